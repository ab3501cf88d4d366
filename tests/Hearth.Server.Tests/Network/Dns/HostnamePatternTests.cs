using Hearth.Server.Network.Dns;

namespace Hearth.Server.Tests.Network.Dns;

/// <summary>Hostname entries of an egress list: what is one, and which names each allows.</summary>
public sealed class HostnamePatternTests
{
    private static HostnamePattern Parse(string text) =>
        HostnamePattern.TryParse(text, out var pattern) ? pattern : throw new Xunit.Sdk.XunitException($"'{text}' was refused");

    [Theory]
    [InlineData("api.openai.com", "api.openai.com")]
    [InlineData("API.OpenAI.Com.", "api.openai.com")]
    [InlineData("*.example.com", "*.example.com")]
    [InlineData("*.Example.COM.", "*.example.com")]
    [InlineData("localhost", "localhost")]
    [InlineData("chunk-1", "chunk-1")]
    [InlineData("a-b.c0.x9", "a-b.c0.x9")]
    [InlineData("1password.com", "1password.com")]
    [InlineData("*.com", "*.com")]
    public void Host_names_and_wildcards_are_read_in_lower_case_without_the_trailing_dot(string text, string written)
    {
        Assert.True(HostnamePattern.TryParse(text, out var pattern));
        Assert.Equal(written, pattern.ToString());
        Assert.Equal(text.StartsWith('*'), pattern.IsWildcard);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("*")]
    [InlineData("*.")]
    [InlineData("**.example.com")]
    [InlineData("*example.com")]
    [InlineData("a.*.example.com")]
    [InlineData("*.*.example.com")]
    [InlineData("-a.example.com")]
    [InlineData("a-.example.com")]
    [InlineData("a..example.com")]
    [InlineData(".example.com")]
    [InlineData("example.com..")]
    [InlineData("a_b.example.com")]
    [InlineData("a b.example.com")]
    [InlineData("exämple.com")]
    [InlineData("a\\.example.com")]
    [InlineData("1.2.3.4")]
    [InlineData("10.0.0.1.")]
    [InlineData("127.1")]
    [InlineData("0x7f000001")]
    [InlineData("::1")]
    [InlineData("example.123")]
    [InlineData("*.1.2.3")]
    [InlineData("10.0.0.0/8")]
    [InlineData("https://example.com")]
    [InlineData("example.com:443")]
    public void Anything_else_is_refused(string? text)
    {
        Assert.False(HostnamePattern.TryParse(text, out var pattern));
        Assert.Equal(default, pattern);
    }

    [Fact]
    public void Labels_of_63_and_names_of_253_characters_are_the_limits()
    {
        var label63 = new string('a', 63);
        Assert.True(HostnamePattern.TryParse(label63 + ".com", out _));
        Assert.False(HostnamePattern.TryParse(label63 + "a.com", out _));

        // 63 + 1 + 63 + 1 + 63 + 1 + 61 = 253 characters.
        var name253 = $"{label63}.{label63}.{label63}.{new string('b', 61)}";
        Assert.Equal(253, name253.Length);
        Assert.True(HostnamePattern.TryParse(name253, out var longest));
        Assert.True(HostnamePattern.TryParse(name253 + ".", out _));
        Assert.False(HostnamePattern.TryParse(name253 + "b", out _));
        Assert.True(longest.Matches(name253.ToUpperInvariant() + "."));
        Assert.False(HostnamePattern.TryParse("*." + name253, out _));
    }

    [Theory]
    [InlineData("api.openai.com", true)]
    [InlineData("API.OPENAI.COM", true)]
    [InlineData("api.openai.com.", true)]
    [InlineData("openai.com", false)]
    [InlineData("x.api.openai.com", false)]
    [InlineData("api.openai.com.evil.net", false)]
    [InlineData("xapi.openai.com", false)]
    [InlineData("", false)]
    [InlineData(".", false)]
    public void A_name_matches_only_itself(string name, bool matches) =>
        Assert.Equal(matches, Parse("api.openai.com").Matches(name));

    [Theory]
    [InlineData("a.example.com", true)]
    [InlineData("a.b.example.com", true)]
    [InlineData("A.Example.Com.", true)]
    [InlineData("example.com", false)]
    [InlineData("example.com.", false)]
    [InlineData("xexample.com", false)]
    [InlineData(".example.com", false)]
    [InlineData("a..example.com", false)]
    [InlineData("a.example.com.evil.net", false)]
    [InlineData("a.example.co", false)]
    [InlineData("a_b.example.com", false)]
    [InlineData("a\\.example.com", false)]
    [InlineData("*.example.com", false)]
    public void A_wildcard_matches_every_name_under_it_but_not_itself(string name, bool matches) =>
        Assert.Equal(matches, Parse("*.example.com").Matches(name));

    [Fact]
    public void Patterns_compare_by_meaning_and_the_default_matches_nothing()
    {
        Assert.Equal(Parse("Example.com."), Parse("example.com"));
        Assert.NotEqual(Parse("*.example.com"), Parse("example.com"));
        Assert.False(default(HostnamePattern).Matches("example.com"));
        Assert.Equal("", default(HostnamePattern).ToString());
    }
}
