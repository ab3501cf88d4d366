using System.Text.Json;
using Hearth.Protocol.Errors;

namespace Hearth.Server.Validation;

/// <summary>
/// Reads optional fields of a JSON object, collecting every problem instead of stopping at the
/// first, so a client learns all that is wrong with a request in one answer.
/// </summary>
internal sealed class FieldReader
{
    private readonly List<FieldError> errors = [];

    public IReadOnlyList<FieldError> Errors => errors;

    public void Add(string field, string message) => errors.Add(new FieldError { Field = field, Message = message });

    public static JsonElement? Property(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value : null;

    public string? String(JsonElement obj, string name, string field, int maxLength = 255)
    {
        if (Property(obj, name) is not { } value) return null;
        if (value.ValueKind != JsonValueKind.String) { Add(field, "must be a string"); return null; }
        var text = value.GetString()!;
        if (text.Length > maxLength) { Add(field, $"must be at most {maxLength} characters"); return null; }
        return text;
    }

    public int? Integer(JsonElement obj, string name, string field, int min, int max)
    {
        if (Property(obj, name) is not { } value) return null;
        int number;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out number)) { }
        else if (value.ValueKind == JsonValueKind.String && int.TryParse(value.GetString(), System.Globalization.CultureInfo.InvariantCulture, out number)) { }
        else { Add(field, "must be a whole number"); return null; }
        if (number < min || number > max) { Add(field, $"must be between {min} and {max}, not {number}"); return null; }
        return number;
    }

    public bool? Boolean(JsonElement obj, string name, string field)
    {
        if (Property(obj, name) is not { } value) return null;
        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False) return value.GetBoolean();
        Add(field, "must be true or false");
        return null;
    }

    public string? OneOf(JsonElement obj, string name, string field, params string[] allowed)
    {
        var text = String(obj, name, field);
        if (text is null || allowed.Contains(text)) return text;
        Add(field, $"must be one of {string.Join(", ", allowed)}, not '{text}'");
        return null;
    }

    public JsonElement? Object(JsonElement obj, string name, string field)
    {
        if (Property(obj, name) is not { } value) return null;
        if (value.ValueKind == JsonValueKind.Object) return value;
        Add(field, "must be an object");
        return null;
    }
}
