using System.Text.Json;
using System.Text.RegularExpressions;

namespace Hearth.Server.Validation;

/// <summary>
/// An environment as the Oblien API writes it, in any of its three forms: <c>{K: V}</c>,
/// <c>["K=V"]</c> or <c>[{key, value}]</c>. One reader for the workspace's <c>config.env</c> and
/// a workload's <c>env</c>, so both accept and refuse the same things.
/// </summary>
internal static partial class EnvReader
{
    /// <summary>The variables, or null when absent; each bad entry is reported under <paramref name="field"/> (<c>field.K</c>, <c>field[i]</c>).</summary>
    public static Dictionary<string, string>? Read(FieldReader reader, JsonElement? value, string field, int maxEntries)
    {
        if (value is not { } env) return null;
        var result = new Dictionary<string, string>();
        void Put(string key, string text, string entryField)
        {
            if (!KeyPattern().IsMatch(key)) reader.Add(entryField, $"'{key}' is not a valid variable name");
            else if (text.Contains('\0', StringComparison.Ordinal)) reader.Add(entryField, "values cannot contain NUL");
            else result[key] = text;
        }
        switch (env.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in env.EnumerateObject())
                {
                    if (p.Value.ValueKind == JsonValueKind.String) Put(p.Name, p.Value.GetString()!, $"{field}.{p.Name}");
                    else if (p.Value.ValueKind is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False) Put(p.Name, p.Value.GetRawText(), $"{field}.{p.Name}");
                    else reader.Add($"{field}.{p.Name}", "must be a string");
                }
                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in env.EnumerateArray())
                {
                    var entryField = $"{field}[{i++}]";
                    if (item.ValueKind == JsonValueKind.String && item.GetString()!.IndexOf('=', StringComparison.Ordinal) is var eq and > 0)
                        Put(item.GetString()![..eq], item.GetString()![(eq + 1)..], entryField);
                    else if (item.ValueKind == JsonValueKind.Object && FieldReader.Property(item, "key") is { ValueKind: JsonValueKind.String } k
                             && FieldReader.Property(item, "value") is var v)
                        Put(k.GetString()!, v is { ValueKind: JsonValueKind.String } sv ? sv.GetString()! : v?.GetRawText() ?? "", entryField);
                    else
                        reader.Add(entryField, "must be \"KEY=value\" or {\"key\": ..., \"value\": ...}");
                }
                break;
            default:
                reader.Add(field, "must be an object or an array");
                break;
        }
        if (result.Count > maxEntries) reader.Add(field, $"at most {maxEntries} variables");
        return result;
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,255}$")]
    private static partial Regex KeyPattern();
}
