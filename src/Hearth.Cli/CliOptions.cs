using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Hearth.Cli;

/// <summary>Options that several commands declare alike.</summary>
internal static class CliOptions
{
    public static Option<bool> Json() => new("--json")
    {
        Description = "Print the API's response as one JSON document and nothing else",
    };

    /// <summary><c>--env K=V</c> (also <c>-e</c>), repeatable; each value must have a key before its '='.</summary>
    public static Option<string[]> Env(string description)
    {
        var env = new Option<string[]>("--env", "-e") { Description = description, HelpName = "K=V" };
        env.Validators.Add(ValidateEnv);
        return env;
    }

    /// <summary>The <c>--env</c> values as a map (a later key wins); null when there are none.</summary>
    public static Dictionary<string, string>? EnvMap(IEnumerable<string> entries)
    {
        Dictionary<string, string>? variables = null;
        foreach (var entry in entries)
        {
            var separator = entry.IndexOf('=', StringComparison.Ordinal);
            (variables ??= new(StringComparer.Ordinal))[entry[..separator]] = entry[(separator + 1)..];
        }

        return variables;
    }

    public static Option<int?> PositiveInt(string name, string description, string helpName = "N") =>
        WholeNumber(name, description, helpName, minimum: 1, "a positive whole number");

    public static Option<int?> NonNegativeInt(string name, string description, string helpName = "N") =>
        WholeNumber(name, description, helpName, minimum: 0, "a whole number");

    private static Option<int?> WholeNumber(string name, string description, string helpName, int minimum, string what) => new(name)
    {
        Description = description,
        HelpName = helpName,

        // A parser rather than a validator: validators also run on a value that failed to convert.
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= minimum)
            {
                return value;
            }

            result.AddError($"{name} must be {what}, not '{text}'.");
            return null;
        },
    };

    private static void ValidateEnv(OptionResult result)
    {
        foreach (var token in result.Tokens)
        {
            if (token.Value.IndexOf('=', StringComparison.Ordinal) <= 0)
            {
                result.AddError($"--env '{token.Value}' is not of the form KEY=VALUE.");
            }
        }
    }
}
