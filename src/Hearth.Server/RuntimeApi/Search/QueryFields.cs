using System.Globalization;
using Hearth.Protocol.Errors;

namespace Hearth.Server.RuntimeApi.Search;

/// <summary>
/// Reads a query string's parameters, collecting every problem (as <c>FieldReader</c> does for
/// JSON bodies) so a client learns all that is wrong at once. Booleans are what the SDK sends
/// (<c>String(true)</c>): <c>true</c>/<c>false</c>, and <c>1</c>/<c>0</c>.
/// </summary>
internal sealed class QueryFields(IQueryCollection query)
{
    private readonly List<FieldError> errors = [];

    public IReadOnlyList<FieldError> Errors => errors;

    public void Add(string field, string message) => errors.Add(new FieldError { Field = field, Message = message });

    public string? String(string name, int maxLength)
    {
        if (!query.TryGetValue(name, out var values) || values.Count == 0) return null;
        var text = values[^1] ?? "";
        if (text.Length > maxLength)
        {
            Add(name, $"must be at most {maxLength} characters");
            return null;
        }
        return text;
    }

    public bool? Boolean(string name)
    {
        var text = String(name, 16);
        if (string.IsNullOrEmpty(text)) return null;
        switch (text.ToLowerInvariant())
        {
            case "true" or "1": return true;
            case "false" or "0": return false;
            default:
                Add(name, "must be true or false");
                return null;
        }
    }

    public int? Integer(string name, int min, int max)
    {
        var text = String(name, 16);
        if (string.IsNullOrEmpty(text)) return null;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number))
        {
            Add(name, "must be a whole number");
            return null;
        }
        if (number < min || number > max)
        {
            Add(name, $"must be between {min} and {max}, not {number}");
            return null;
        }
        return number;
    }

    /// <summary>A comma-separated list (<c>ts,js</c>), empty items dropped; repeated parameters are joined.</summary>
    public List<string> List(string name, int maxItems, int maxItemLength)
    {
        if (!query.TryGetValue(name, out var values)) return [];
        var items = values.SelectMany(v => (v ?? "").Split(',')).Select(i => i.Trim()).Where(i => i.Length > 0).ToList();
        if (items.Count > maxItems) Add(name, $"at most {maxItems} items");
        else if (items.FirstOrDefault(i => i.Length > maxItemLength) is { } tooLong) Add(name, $"'{tooLong[..20]}...' is longer than {maxItemLength} characters");
        return items;
    }
}
