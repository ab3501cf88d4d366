using System.Text;

namespace Hearth.Bench.Reporting;

/// <summary>The bench's results as markdown, ready to paste into bench/README.md: the machine, then one section per scenario run.</summary>
internal static class Report
{
    public static string Render(MachineInfo machine, string loadAverageAtEnd, IEnumerable<string> sections)
    {
        var text = new StringBuilder();
        text.AppendLine($"### Run of {machine.Date:yyyy-MM-dd HH:mm} UTC");
        text.AppendLine();
        text.AppendLine($"Machine: {machine.Cores} cores, {machine.MemoryGiB:0.#} GiB, kernel {machine.Kernel}, {machine.Crun}; " +
            $"load average {machine.LoadAverage} at start, {loadAverageAtEnd} at the end. All figures in ms; percentiles are nearest-rank " +
            "(with 100 samples or fewer, p99 is the maximum).");
        foreach (var section in sections)
        {
            text.AppendLine();
            text.Append(section);
        }
        return text.ToString();
    }
}
