using System.Globalization;
using System.Text;
using Hearth.Bench.Measurement;

namespace Hearth.Bench.Reporting;

/// <summary>How the reports write figures: ms with one decimal, ratios as "2.5x", shares as "40 %".</summary>
internal static class Markdown
{
    /// <summary>A distribution row: | name | n | p50 | p90 | p99 | min | max |.</summary>
    public static void Row(StringBuilder text, Samples samples, string? name = null) =>
        text.AppendLine($"| {name ?? samples.Name} | {samples.Count} | {F(samples.P50)} | {F(samples.P90)} | {F(samples.P99)} | {F(samples.Min)} | {F(samples.Max)} |");

    public static string F(double ms) => double.IsNaN(ms) ? "n/a" : ms.ToString("0.0", CultureInfo.InvariantCulture);

    /// <summary>Two decimals, for figures of a few ms where a tenth is a large part.</summary>
    public static string F2(double ms) => double.IsNaN(ms) ? "n/a" : ms.ToString("0.00", CultureInfo.InvariantCulture);

    public static string R(double a, double b) => double.IsNaN(a) || double.IsNaN(b) || b == 0 ? "n/a" : (a / b).ToString("0.0", CultureInfo.InvariantCulture) + "x";

    /// <summary>A ratio with two decimals, for ratios near 1.</summary>
    public static string R2(double a, double b) => double.IsNaN(a) || double.IsNaN(b) || b == 0 ? "n/a" : (a / b).ToString("0.00", CultureInfo.InvariantCulture) + "x";

    public static string P(double fraction) => double.IsNaN(fraction) ? "" : (fraction * 100).ToString("0", CultureInfo.InvariantCulture) + " %";
}
