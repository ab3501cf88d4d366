using System.CommandLine;
using Hearth.Sdk;

namespace Hearth.Cli;

/// <summary>
/// The connection options every API command accepts. A value on the command line wins over its
/// environment variable; explicit client credentials win over a credentials file.
/// </summary>
internal sealed class GlobalOptions
{
    public const string UrlVariable = "HEARTH_URL";
    public const string ClientIdVariable = "HEARTH_CLIENT_ID";
    public const string ClientSecretVariable = "HEARTH_CLIENT_SECRET";
    public const string CredentialsVariable = "HEARTH_CREDENTIALS";

    // No DefaultValueFactory reads the environment: help prints defaults, and one of these is a secret.
    public Option<string?> Url { get; } = new("--url")
    {
        Description = $"Control-plane API address [env: {UrlVariable}; default: http://127.0.0.1:7070]",
        HelpName = "URL",
        Recursive = true,
    };

    public Option<string?> ClientId { get; } = new("--client-id")
    {
        Description = $"Client id [env: {ClientIdVariable}]",
        HelpName = "ID",
        Recursive = true,
    };

    public Option<string?> ClientSecret { get; } = new("--client-secret")
    {
        Description = $"Client secret [env: {ClientSecretVariable}]",
        HelpName = "SECRET",
        Recursive = true,
    };

    public Option<string?> Credentials { get; } = new("--credentials")
    {
        Description = $"Credentials file {{client_id, client_secret, api_url?}} [env: {CredentialsVariable}; default: {CliContext.SystemCredentialsPath} when readable]",
        HelpName = "FILE",
        Recursive = true,
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Url);
        command.Options.Add(ClientId);
        command.Options.Add(ClientSecret);
        command.Options.Add(Credentials);
    }

    public HearthClientOptions Resolve(ParseResult parseResult, CliContext context)
    {
        string? Value(Option<string?> option, string variable) =>
            NullIfEmpty(parseResult.GetValue(option)) ?? NullIfEmpty(context.GetEnvironmentVariable(variable));

        var url = Value(Url, UrlVariable);
        Uri? baseAddress = null;
        if (url is not null
            && (!Uri.TryCreate(url, UriKind.Absolute, out baseAddress) || baseAddress.Scheme is not ("http" or "https")))
        {
            throw new CliException($"--url: '{url}' is not an http(s) URL", ExitCodes.Usage);
        }

        var id = Value(ClientId, ClientIdVariable);
        var secret = Value(ClientSecret, ClientSecretVariable);
        HearthClientOptions options;
        if (id is not null || secret is not null)
        {
            if (id is null || secret is null)
            {
                throw new CliException(
                    $"both a client id and a client secret are needed (--client-id/{ClientIdVariable}, --client-secret/{ClientSecretVariable})",
                    ExitCodes.Usage);
            }

            options = new HearthClientOptions
            {
                BaseAddress = baseAddress ?? HearthClientOptions.DefaultBaseAddress,
                ClientId = id,
                ClientSecret = secret,
            };
        }
        else
        {
            options = FromFile(Value(Credentials, CredentialsVariable), url, context);
        }

        return context.HttpClient is null ? options : options with { HttpClient = context.HttpClient };
    }

    private static HearthClientOptions FromFile(string? named, string? url, CliContext context)
    {
        var path = named ?? context.DefaultCredentialsPath;
        try
        {
            return HearthClientOptions.FromCredentialsFile(path, url);
        }
        catch (Exception ex) when (named is null && ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new CliException(
                $"no credentials: pass --client-id and --client-secret (or {ClientIdVariable} and {ClientSecretVariable}), or --credentials FILE");
        }
        catch (UnauthorizedAccessException)
        {
            throw new CliException($"cannot read {path}: permission denied (run as root, or pass --client-id and --client-secret)");
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException)
        {
            throw new CliException($"cannot use credentials file: {ex.Message}");
        }
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
