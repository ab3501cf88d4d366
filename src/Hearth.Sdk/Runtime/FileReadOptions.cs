namespace Hearth.Sdk.Runtime;

/// <summary>Which lines <see cref="FilesClient.ReadAsync"/> returns; null members are not sent.</summary>
/// <example>
/// <code>
/// var head = await rt.Files.ReadAsync("/app/main.py", new FileReadOptions { StartLine = 1, EndLine = 20 });
/// </code>
/// </example>
public sealed record FileReadOptions
{
    /// <summary>The first line, 1-based (<c>start_line</c>).</summary>
    public int? StartLine { get; init; }

    /// <summary>The last line, 1-based and inclusive (<c>end_line</c>).</summary>
    public int? EndLine { get; init; }

    /// <summary>Prefix each line with its number (<c>with_line_numbers</c>).</summary>
    public bool? WithLineNumbers { get; init; }
}
