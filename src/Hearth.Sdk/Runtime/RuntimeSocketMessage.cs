namespace Hearth.Sdk.Runtime;

/// <summary>
/// A message received on the runtime socket: <see cref="TerminalOutput"/>, <see cref="TerminalExit"/>,
/// <see cref="WatcherEvent"/>, or <see cref="UnknownSocketMessage"/> for a text frame this SDK does not know.
/// </summary>
/// <example>
/// <code>
/// await foreach (var message in socket.ReadAllAsync())
/// {
///     switch (message)
///     {
///         case TerminalOutput o: await stdout.WriteAsync(o.Data); break;
///         case TerminalExit x: return x.ExitCode;
///         case WatcherEvent w: Console.WriteLine($"{w.Event.Op} {w.Event.Path}"); break;
///     }
/// }
/// </code>
/// </example>
public abstract record RuntimeSocketMessage
{
    private protected RuntimeSocketMessage()
    {
    }
}
