namespace Hearth.Cli.Terminal;

/// <summary>The terminal the CLI runs in: whether stdin is one, its size, and raw mode for <c>hearth shell</c>.</summary>
internal interface ILocalTerminal
{
    /// <summary>True when stdin is a terminal (keys, not a pipe or a file).</summary>
    bool IsInteractive { get; }

    /// <summary>The window's size now, or null when it is unknown.</summary>
    (int Cols, int Rows)? Size { get; }

    /// <summary>Puts the terminal into raw mode (every byte as typed, no echo, no signals); disposing restores it.</summary>
    Task<IAsyncDisposable> EnterRawModeAsync(CancellationToken cancellationToken);
}
