using System.Globalization;
using System.Text.RegularExpressions;

namespace Hearth.Server.Validation;

/// <summary>TTLs as Oblien writes them: <c>"30s"</c>, <c>"5m"</c>, <c>"1h"</c>, <c>"7d"</c>, or a number of seconds.</summary>
internal static partial class Durations
{
    public static int? ParseSeconds(string text)
    {
        var match = Pattern().Match(text.Trim());
        if (!match.Success) return null;
        if (!long.TryParse(match.Groups["n"].Value, CultureInfo.InvariantCulture, out var n)) return null;
        var seconds = match.Groups["u"].Value switch
        {
            "" or "s" => n,
            "m" => n * 60,
            "h" => n * 3600,
            "d" => n * 86400,
            "w" => n * 7 * 86400,
            _ => -1,
        };
        return seconds is > 0 and <= int.MaxValue ? (int)seconds : null;
    }

    /// <summary>A short delay: seconds (<c>"1.5"</c>), or <c>"500ms"</c>, <c>"2s"</c>, <c>"1m"</c>; null when it is none of these.</summary>
    public static double? ParseDelaySeconds(string text)
    {
        var match = DelayPattern().Match(text.Trim());
        if (!match.Success || !double.TryParse(match.Groups["n"].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n))
            return null;
        return match.Groups["u"].Value switch
        {
            "ms" => n / 1000,
            "m" => n * 60,
            _ => n,
        };
    }

    [GeneratedRegex("^(?<n>[0-9]{1,9})(?<u>[smhdw]?)$")]
    private static partial Regex Pattern();

    [GeneratedRegex("^(?<n>[0-9]{1,9}(\\.[0-9]{1,6})?)(?<u>ms|s|m)?$")]
    private static partial Regex DelayPattern();
}
