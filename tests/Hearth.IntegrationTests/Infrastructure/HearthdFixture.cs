using Hearth.Testing;

namespace Hearth.IntegrationTests.Infrastructure;

/// <summary>
/// One real hearthd per test class (xunit class fixture), with its own data dir and port; its
/// workspaces and data dir are removed when the class is done. A class that needs daemon flags
/// derives and overrides <see cref="Flags"/>. Without root the fixture throws, so every test of
/// the class fails - it never skips.
/// </summary>
public class HearthdFixture : IAsyncLifetime
{
    private HearthdInstance? hearthd;

    public HearthdInstance Hearthd => hearthd ?? throw new InvalidOperationException("hearthd did not start");

    /// <summary>Extra hearthd flags, after the defaults <see cref="HearthdInstance"/> passes.</summary>
    protected virtual string[] Flags => [];

    public async Task InitializeAsync()
    {
        await PrepareAsync().Within();
        hearthd = await HearthdInstance.StartAsync(Flags).Within(Bounded.Daemon);
    }

    /// <summary>Runs before hearthd starts (write a settings file, a fake program, ...).</summary>
    protected virtual Task PrepareAsync() => Task.CompletedTask;

    public virtual async Task DisposeAsync()
    {
        if (hearthd is not null)
            await hearthd.DisposeAsync().AsTask().Within(Bounded.Daemon);
    }
}
