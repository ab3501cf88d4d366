using Hearth.IntegrationTests.Infrastructure;
using Hearth.Testing;

namespace Hearth.IntegrationTests.Images;

/// <summary>
/// A loopback registry with token auth (<see cref="RegistryFixture"/>) and a hearthd that holds
/// its credentials (<c>--registry-credentials</c>) and lists its token server
/// (<c>--insecure-registries</c>: both are on loopback, which only listed hosts may be), with an images dir of its own and nothing prebuilt.
/// </summary>
public sealed class RegistryHearthdFixture : IAsyncLifetime
{
    private HearthdInstance? hearthd;

    public RegistryFixture Registry { get; } = new();

    public string ImagesDir { get; } = Path.Combine(Path.GetTempPath(), "hearth-pull-images-" + Guid.NewGuid().ToString("N")[..10]);

    public HearthdInstance Hearthd => hearthd ?? throw new InvalidOperationException("hearthd did not start");

    public async Task InitializeAsync()
    {
        await Registry.InitializeAsync().Within(Bounded.Daemon);
        hearthd = await HearthdInstance.StartAsync("--images-dir", ImagesDir, "--prebuild-images", "none",
            "--registry-credentials", $"{Registry.Host}={RegistryFixture.User}:{RegistryFixture.Password}",
            "--insecure-registries", Registry.TokenHost).Within(Bounded.Daemon);
    }

    public async Task DisposeAsync()
    {
        if (hearthd is not null) await hearthd.DisposeAsync().AsTask().Within(Bounded.Daemon);
        await Registry.DisposeAsync();
        try { Directory.Delete(ImagesDir, recursive: true); } catch (IOException) { }
    }
}
