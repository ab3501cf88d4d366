using System.Text.Json;

namespace Hearth.Server.Validation;

/// <summary>
/// A command as the Oblien API writes it: an argv array, or a string run by <c>/bin/sh -c</c>.
/// One reader for the workspace's <c>config.cmd</c> and a workload's <c>cmd</c>.
/// </summary>
internal static class CommandReader
{
    /// <summary>The argv, or null when absent or bad (reported under <paramref name="field"/>).</summary>
    public static List<string>? Read(FieldReader reader, JsonElement? value, string field, int maxArguments = int.MaxValue)
    {
        if (value is not { } cmd) return null;
        if (cmd.ValueKind == JsonValueKind.String)
        {
            var text = cmd.GetString()!;
            if (string.IsNullOrWhiteSpace(text)) { reader.Add(field, "must not be empty"); return null; }
            if (text.Contains('\0', StringComparison.Ordinal)) { reader.Add(field, "arguments cannot contain NUL"); return null; }
            return ["/bin/sh", "-c", text];
        }
        if (cmd.ValueKind == JsonValueKind.Array && cmd.GetArrayLength() > 0 && cmd.EnumerateArray().All(a => a.ValueKind == JsonValueKind.String))
        {
            var argv = cmd.EnumerateArray().Select(a => a.GetString()!).ToList();
            if (argv.Any(a => a.Contains('\0', StringComparison.Ordinal))) { reader.Add(field, "arguments cannot contain NUL"); return null; }
            if (argv.Count > maxArguments) { reader.Add(field, $"at most {maxArguments} arguments"); return null; }
            if (argv[0].Length == 0) { reader.Add(field, "the program (the first element) must not be empty"); return null; }
            return argv;
        }
        reader.Add(field, "must be a non-empty array of strings or a shell command string");
        return null;
    }
}
