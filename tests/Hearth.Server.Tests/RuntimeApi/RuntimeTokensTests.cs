using System.Text;
using Hearth.Server.RuntimeApi;

namespace Hearth.Server.Tests.RuntimeApi;

public sealed class RuntimeTokensTests : IDisposable
{
    private readonly TempDirectory dir = new();
    private readonly ManualClock clock = new(DateTimeOffset.Parse("2026-11-29T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public void A_token_names_its_workspace_and_generation_until_it_expires_after_an_hour()
    {
        var tokens = new RuntimeTokens(dir.Path, clock);
        var (token, expires) = tokens.Issue("ws_a", 3);

        Assert.Equal(clock.GetUtcNow() + TimeSpan.FromHours(1), expires);
        Assert.Equal(("ws_a", 3), tokens.Validate(token));
        clock.Now += TimeSpan.FromMinutes(59);
        Assert.NotNull(tokens.Validate(token));
        clock.Now += TimeSpan.FromMinutes(1);
        Assert.Null(tokens.Validate(token));
    }

    [Fact]
    public void A_forged_or_tampered_token_is_refused()
    {
        var tokens = new RuntimeTokens(dir.Path, clock);
        var (token, _) = tokens.Issue("ws_a", 1);
        var body = token["hrt_".Length..].Split('.')[0];
        var other = Convert.ToBase64String(Encoding.UTF8.GetBytes("""{"w":"ws_b","e":9999999999,"g":1}""")).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        Assert.Null(tokens.Validate(token.Replace(body, other, StringComparison.Ordinal)));
        Assert.Null(tokens.Validate(token[..^2] + (token[^2..] == "AA" ? "BB" : "AA")));
        Assert.Null(tokens.Validate("hrt_garbage"));
        Assert.Null(tokens.Validate("hrt_a.b.c"));
        Assert.Null(tokens.Validate(""));
    }

    [Fact]
    public void A_token_from_another_key_is_refused_and_the_key_survives_a_restart()
    {
        using var elsewhere = new TempDirectory();
        var (token, _) = new RuntimeTokens(dir.Path, clock).Issue("ws_a", 1);

        Assert.Null(new RuntimeTokens(elsewhere.Path, clock).Validate(token));
        Assert.NotNull(new RuntimeTokens(dir.Path, clock).Validate(token));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite,
            File.GetUnixFileMode(Path.Combine(dir.Path, "keys", "runtime-gateway.key")));
    }

    public void Dispose() => dir.Dispose();

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
