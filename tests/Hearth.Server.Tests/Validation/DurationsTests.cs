using Hearth.Server.Validation;

namespace Hearth.Server.Tests.Validation;

public sealed class DurationsTests
{
    [Theory]
    [InlineData("30s", 30)]
    [InlineData("5m", 300)]
    [InlineData("1h", 3600)]
    [InlineData("7d", 604800)]
    [InlineData("2w", 1209600)]
    [InlineData("90", 90)]
    [InlineData(" 10m ", 600)]
    [InlineData("000000001s", 1)]
    public void Parses_seconds_minutes_hours_days_weeks_and_bare_seconds(string text, int seconds)
    {
        Assert.Equal(seconds, Durations.ParseSeconds(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("0m")]
    [InlineData("-5")]
    [InlineData("1.5h")]
    [InlineData("m")]
    [InlineData("10x")]
    [InlineData("10 m")]
    [InlineData("1h30m")]
    [InlineData("1H")]
    [InlineData("1234567890")]
    [InlineData("999999999w")]
    public void Rejects_anything_else_and_overflows(string text)
    {
        Assert.Null(Durations.ParseSeconds(text));
    }

    [Fact]
    public void The_largest_value_that_fits_is_accepted()
    {
        Assert.Equal(999_999_999, Durations.ParseSeconds("999999999"));
        Assert.Equal(int.MaxValue / 86400 * 86400, Durations.ParseSeconds($"{int.MaxValue / 86400}d"));
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("2", 2)]
    [InlineData("1.5", 1.5)]
    [InlineData("500ms", 0.5)]
    [InlineData("2s", 2)]
    [InlineData("0.25s", 0.25)]
    [InlineData("1m", 60)]
    [InlineData(" 3s ", 3)]
    public void Delays_are_seconds_milliseconds_or_minutes(string text, double seconds)
    {
        Assert.Equal(seconds, Durations.ParseDelaySeconds(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData("-1")]
    [InlineData("1h")]
    [InlineData("1.s")]
    [InlineData(".5")]
    [InlineData("5 ms")]
    [InlineData("soon")]
    public void Other_delays_are_refused(string text)
    {
        Assert.Null(Durations.ParseDelaySeconds(text));
    }
}
