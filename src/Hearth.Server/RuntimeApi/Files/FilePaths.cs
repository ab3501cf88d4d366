using Hearth.Server.Validation;

namespace Hearth.Server.RuntimeApi.Files;

/// <summary>
/// What the gateway checks about a path before it goes to the agent: its form only. Where a path
/// leads is decided by the agent, resolving it inside the workspace (docs/design/runtime-files.md).
/// </summary>
internal static class FilePaths
{
    public const int MaxLength = 4096;

    public static string? Check(QueryReader reader, string field, string value) => Problem(value) is { } problem ? Fail(reader.Add, field, problem) : value;

    public static string? Check(FieldReader reader, string field, string value) => Problem(value) is { } problem ? Fail(reader.Add, field, problem) : value;

    private static string? Problem(string value) =>
        value.Length == 0 ? "must not be empty"
        : value.Length > MaxLength ? $"must be at most {MaxLength} characters"
        : value.Contains('\0') ? "must not contain NUL characters"
        : null;

    private static string? Fail(Action<string, string> add, string field, string problem)
    {
        add(field, problem);
        return null;
    }
}
