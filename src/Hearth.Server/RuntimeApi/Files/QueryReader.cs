using System.Globalization;
using Hearth.Protocol.Errors;
using Hearth.Server.Api;

namespace Hearth.Server.RuntimeApi.Files;

/// <summary>Reads query-string parameters, collecting every problem (like <c>Validation.FieldReader</c> does for bodies).</summary>
internal sealed class QueryReader(IQueryCollection query)
{
    private readonly List<FieldError> errors = [];

    public void Add(string field, string message) => errors.Add(new FieldError { Field = field, Message = message });

    public string? String(string name)
    {
        var value = query[name].ToString();
        return value.Length == 0 ? null : value;
    }

    /// <summary><c>true</c>/<c>false</c>/<c>1</c>/<c>0</c> (any case); absent or empty is null.</summary>
    public bool? Boolean(string name)
    {
        var value = String(name);
        if (value is null) return null;
        if (value.Equals("true", StringComparison.OrdinalIgnoreCase) || value == "1") return true;
        if (value.Equals("false", StringComparison.OrdinalIgnoreCase) || value == "0") return false;
        Add(name, $"must be true or false, not '{value}'");
        return null;
    }

    public long? Integer(string name, long min, long max)
    {
        var value = String(name);
        if (value is null) return null;
        if (!long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number))
        {
            Add(name, $"must be a whole number, not '{value}'");
            return null;
        }

        if (number < min || number > max)
        {
            Add(name, $"must be between {min} and {max}, not {number}");
            return null;
        }

        return number;
    }

    /// <summary>A comma-separated list, trimmed, empty items dropped; null when absent.</summary>
    public List<string>? List(string name) =>
        String(name)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    /// <summary>A required path: present, at most PATH_MAX, no NUL.</summary>
    public string? Path(string name = "path", bool required = true)
    {
        var value = String(name);
        if (value is null)
        {
            if (required) Add(name, "is required");
            return null;
        }

        return FilePaths.Check(this, name, value);
    }

    public void ThrowIfInvalid()
    {
        if (errors.Count > 0) throw ApiException.Invalid(errors);
    }
}
