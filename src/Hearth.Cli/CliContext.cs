using Hearth.Cli.Terminal;

namespace Hearth.Cli;

/// <summary>
/// What a command may touch outside itself: the output streams, the environment, the clock and the
/// files next to the binary. Tests supply their own (and an <see cref="HttpClient"/> over a fake handler).
/// </summary>
internal sealed record CliContext
{
    /// <summary>Where the server writes its admin credentials by default.</summary>
    public const string SystemCredentialsPath = "/var/lib/hearth/admin-credentials.json";

    public required TextWriter Out { get; init; }
    public required TextWriter Error { get; init; }
    public required Func<string, string?> GetEnvironmentVariable { get; init; }

    /// <summary>The credentials file used when none is named and it is readable.</summary>
    public required string DefaultCredentialsPath { get; init; }

    /// <summary>The folder <c>hearthd</c> is looked up in.</summary>
    public required string BaseDirectory { get; init; }

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>stdin as bytes (what <c>exec</c> forwards and <c>shell</c> types).</summary>
    public Stream StandardInput { get; init; } = Stream.Null;

    /// <summary>stdout as bytes, for a remote command's output exactly as it was written.</summary>
    public Stream StandardOutput { get; init; } = Stream.Null;

    /// <summary>stderr as bytes.</summary>
    public Stream StandardError { get; init; } = Stream.Null;

    /// <summary>The terminal on stdin, if there is one (raw mode and window size for <c>shell</c>).</summary>
    public ILocalTerminal Terminal { get; init; } = NoTerminal.Instance;

    /// <summary>Sends the API calls when set; otherwise each command's client creates its own.</summary>
    public HttpClient? HttpClient { get; init; }

    /// <summary>
    /// A write stream on stdout or stderr. For a pipe, a plain stream on the descriptor: the console
    /// stream swallows EPIPE, so "hearth exec ... | head" would read a command's whole output into a
    /// closed pipe, where a plain stream reports an <see cref="IOException"/>. For a file, the console
    /// stream: a <see cref="FileStream"/> on a seekable descriptor writes with pwrite(2) at a position
    /// of its own, so output appended by the shell before and after would overwrite each other.
    /// </summary>
    private static Stream OpenOutput(int fd, Func<Stream> console)
    {
        var stream = new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(fd, ownsHandle: false), FileAccess.Write, bufferSize: 0);
        if (!stream.CanSeek)
        {
            return stream;
        }

        stream.Dispose();
        return console();
    }

    public static CliContext FromProcess() => new()
    {
        Out = Console.Out,
        Error = Console.Error,
        GetEnvironmentVariable = Environment.GetEnvironmentVariable,
        DefaultCredentialsPath = SystemCredentialsPath,
        BaseDirectory = AppContext.BaseDirectory,
        StandardInput = Console.OpenStandardInput(),
        StandardOutput = OpenOutput(1, Console.OpenStandardOutput),
        StandardError = OpenOutput(2, Console.OpenStandardError),
        Terminal = Console.IsInputRedirected ? NoTerminal.Instance : new ConsoleTerminal(),
    };
}
