namespace Hearth.Cli.Output;

/// <summary>Plain aligned columns, separated by three spaces; the last column is not padded.</summary>
internal sealed class TableWriter(params string[] headers)
{
    private readonly List<string[]> _rows = [headers];

    public void AddRow(params string[] cells)
    {
        if (cells.Length != headers.Length)
        {
            throw new ArgumentException($"expected {headers.Length} cells, got {cells.Length}", nameof(cells));
        }

        _rows.Add(cells);
    }

    public void WriteTo(TextWriter output)
    {
        var widths = new int[headers.Length];
        foreach (var row in _rows)
        {
            for (var i = 0; i < row.Length; i++)
            {
                widths[i] = Math.Max(widths[i], row[i].Length);
            }
        }

        foreach (var row in _rows)
        {
            for (var i = 0; i < row.Length - 1; i++)
            {
                output.Write(row[i].PadRight(widths[i] + 3));
            }

            output.WriteLine(row[^1]);
        }
    }
}
