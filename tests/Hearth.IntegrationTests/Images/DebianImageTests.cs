using System.Text.Json;
using System.Text.RegularExpressions;
using Hearth.IntegrationTests.Infrastructure;
using Hearth.Testing;

namespace Hearth.IntegrationTests.Images;

/// <summary>hearthd prebuilding both catalogue images into the shared test image cache.</summary>
public sealed class DebianPrebuildFixture : HearthdFixture
{
    protected override string[] Flags => ["--prebuild-images", "busybox,debian-12"];
}

/// <summary>
/// The debian-12 image, built with debootstrap from the host's apt mirror. The first run of the
/// suite builds it (minutes); later runs find it in artifacts/test-images.
/// </summary>
public sealed class DebianImageTests(DebianPrebuildFixture fixture) : IClassFixture<DebianPrebuildFixture>
{

    private HearthdInstance Hearthd => fixture.Hearthd;

    [Fact]
    public async Task A_debian_12_workspace_runs_debian_12_with_a_working_apt()
    {
        await WaitForImageAsync("debian-12");
        var id = await Hearthd.CreateWorkspaceAsync("""{"image":"debian-12"}""").Within(Bounded.Create);

        var version = await Hearthd.ExecAsync(id, "cat", "/etc/debian_version").Within();
        Assert.StartsWith("12", version.Stdout.Trim(), StringComparison.Ordinal);
        var apt = await Hearthd.ExecAsync(id, "apt-get", "--version").Within();
        Assert.True(apt.ExitCode == 0, apt.ToString());
        Assert.StartsWith("apt ", apt.Stdout, StringComparison.Ordinal);
        var whoami = await Hearthd.ExecAsync(id, "id", "-un").Within();
        Assert.Equal("root", whoami.Stdout.Trim());
    }

    [Fact]
    public async Task The_image_list_shows_debian_12_ready_with_its_version()
    {
        var debian = await WaitForImageAsync("debian-12");

        Assert.Equal("ready", debian.GetProperty("status").GetString());
        Assert.Equal("os", debian.GetProperty("category").GetString());
        var software = debian.GetProperty("software").EnumerateArray().Select(s => s.GetString()!).ToList();
        Assert.Contains(software, s => Regex.IsMatch(s, @"^debian 12\.\d+$"));
        Assert.True(debian.GetProperty("size_bytes").GetInt64() > 50_000_000, debian.ToString());

        var busybox = await WaitForImageAsync("busybox");
        Assert.Contains(busybox.GetProperty("software").EnumerateArray(), s => s.GetString()!.StartsWith("busybox 1.", StringComparison.Ordinal));
    }

    private Task<JsonElement> WaitForImageAsync(string name) => ImageWait.ForReadyAsync(Hearthd, name);
}
