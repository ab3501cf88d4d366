using System.Globalization;

namespace Hearth.Cli.Output;

/// <summary>Short human forms of sizes and times.</summary>
internal static class Format
{
    /// <summary>Megabytes (MiB) as <c>512M</c>, <c>2G</c> or <c>1.5G</c>.</summary>
    public static string Megabytes(int megabytes) => megabytes switch
    {
        < 1024 => string.Create(CultureInfo.InvariantCulture, $"{megabytes}M"),
        _ when megabytes % 1024 == 0 => string.Create(CultureInfo.InvariantCulture, $"{megabytes / 1024}G"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{megabytes / 1024.0:0.#}G"),
    };

    /// <summary>Bytes as <c>812B</c>, <c>41.0K</c>, <c>12.3M</c> or <c>1.2G</c> (binary units); <c>-</c> when unknown.</summary>
    public static string Bytes(long? bytes) => bytes switch
    {
        null => "-",
        < 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes}B"),
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.0}K"),
        < 1024L * 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0 / 1024:0.0}M"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0 / 1024 / 1024:0.0}G"),
    };

    /// <summary>How long ago, coarsely: <c>42s ago</c>, <c>5m ago</c>, <c>3h ago</c>, <c>12d ago</c>.</summary>
    public static string Age(DateTimeOffset then, DateTimeOffset now)
    {
        var age = now - then;
        if (age < TimeSpan.Zero)
        {
            age = TimeSpan.Zero;
        }

        return age switch
        {
            { TotalMinutes: < 1 } => string.Create(CultureInfo.InvariantCulture, $"{(int)age.TotalSeconds}s ago"),
            { TotalHours: < 1 } => string.Create(CultureInfo.InvariantCulture, $"{(int)age.TotalMinutes}m ago"),
            { TotalDays: < 2 } => string.Create(CultureInfo.InvariantCulture, $"{(int)age.TotalHours}h ago"),
            _ => string.Create(CultureInfo.InvariantCulture, $"{(int)age.TotalDays}d ago"),
        };
    }

    /// <summary>A length of time, coarsely: <c>42s</c>, <c>5m</c>, <c>3h</c>, <c>12d</c>; <c>-</c> when unknown.</summary>
    public static string Duration(double? seconds) => seconds switch
    {
        null or < 0 => "-",
        < 60 => string.Create(CultureInfo.InvariantCulture, $"{(int)seconds}s"),
        < 3600 => string.Create(CultureInfo.InvariantCulture, $"{(int)(seconds / 60)}m"),
        < 2 * 86400 => string.Create(CultureInfo.InvariantCulture, $"{(int)(seconds / 3600)}h"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{(int)(seconds / 86400)}d"),
    };

    /// <summary>A UTC timestamp to the millisecond, as log lines carry it.</summary>
    public static string LogTimestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>A UTC timestamp to the second, ISO 8601.</summary>
    public static string Timestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
