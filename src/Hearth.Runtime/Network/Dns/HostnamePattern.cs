namespace Hearth.Runtime.Network.Dns;

/// <summary>PLACEHOLDER until the DNS branch merges: "api.openai.com" or "*.example.com".</summary>
internal readonly record struct HostnamePattern
{
    private readonly string text;

    private HostnamePattern(string text) => this.text = text;

    public static bool TryParse(string text, out HostnamePattern pattern)
    {
        pattern = default;
        var name = text.Trim().TrimEnd('.').ToLowerInvariant();
        var body = name.StartsWith("*.", StringComparison.Ordinal) ? name[2..] : name;
        if (body.Length is 0 or > 253 || System.Net.IPAddress.TryParse(body, out _)) return false;
        foreach (var label in body.Split('.'))
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-') return false;
            if (!label.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')) return false;
        }
        pattern = new HostnamePattern(name);
        return true;
    }

    public bool Matches(string name)
    {
        name = name.TrimEnd('.').ToLowerInvariant();
        return text.StartsWith("*.", StringComparison.Ordinal) ? name.EndsWith(text[1..], StringComparison.Ordinal) : name == text;
    }

    public override string ToString() => text;
}
