using System.CommandLine;
using System.Globalization;

namespace Hearth.Cli;

/// <summary>Options that several commands declare alike.</summary>
internal static class CliOptions
{
    public static Option<bool> Json() => new("--json")
    {
        Description = "Print the API's response as one JSON document and nothing else",
    };

    public static Option<int?> PositiveInt(string name, string description, string helpName = "N") => new(name)
    {
        Description = description,
        HelpName = helpName,

        // A parser rather than a validator: validators also run on a value that failed to convert.
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0)
            {
                return value;
            }

            result.AddError($"{name} must be a positive whole number, not '{text}'.");
            return null;
        },
    };
}
