using System.Text;

namespace Hearth.Bench.Scenarios;

/// <summary>Output chunks (an exec stream's base64-decoded <c>stdout</c> events) back into whole lines: a chunk may end anywhere in a line.</summary>
internal sealed class LineSplitter
{
    private readonly List<byte> partial = [];

    /// <summary>The lines <paramref name="chunk"/> completes, without their newlines.</summary>
    public List<string> Push(ReadOnlySpan<byte> chunk)
    {
        var lines = new List<string>();
        while (chunk.IndexOf((byte)'\n') is var newline and >= 0)
        {
            if (partial.Count == 0)
            {
                lines.Add(Encoding.UTF8.GetString(chunk[..newline]));
            }
            else
            {
                partial.AddRange(chunk[..newline]);
                lines.Add(Encoding.UTF8.GetString([.. partial]));
                partial.Clear();
            }
            chunk = chunk[(newline + 1)..];
        }
        partial.AddRange(chunk);
        return lines;
    }
}
