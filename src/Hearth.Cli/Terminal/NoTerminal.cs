namespace Hearth.Cli.Terminal;

/// <summary>stdin is a pipe or a file: nothing to size, nothing to put in raw mode.</summary>
internal sealed class NoTerminal : ILocalTerminal
{
    public static readonly NoTerminal Instance = new();

    public bool IsInteractive => false;

    public (int Cols, int Rows)? Size => null;

    public Task<IAsyncDisposable> EnterRawModeAsync(CancellationToken cancellationToken) => Task.FromResult<IAsyncDisposable>(Nothing.Instance);

    private sealed class Nothing : IAsyncDisposable
    {
        public static readonly Nothing Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
