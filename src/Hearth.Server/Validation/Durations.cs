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

    [GeneratedRegex("^(?<n>[0-9]{1,9})(?<u>[smhdw]?)$")]
    private static partial Regex Pattern();
}
