using Hearth.Runtime;
using Hearth.Runtime.Images.Oci;

namespace Hearth.IntegrationTests.Images.Oci;

/// <summary>The reference grammar: a host is required, the tag defaults to latest, a digest wins.</summary>
public sealed class ImageReferenceTests
{
    private const string Hex = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [Theory]
    [InlineData("127.0.0.1:5000/demo:1", "127.0.0.1:5000", "demo", "1", null)]
    [InlineData("localhost/a/b/c", "localhost", "a/b/c", "latest", null)]
    [InlineData("registry.example:443/team/app-x_y.z:v1.2-rc", "registry.example:443", "team/app-x_y.z", "v1.2-rc", null)]
    [InlineData("[::1]:5000/demo@sha256:" + Hex, "[::1]:5000", "demo", null, "sha256:" + Hex)]
    [InlineData("host.internal/demo:tag@sha256:" + Hex, "host.internal", "demo", "tag", "sha256:" + Hex)]
    public void Valid_references_parse(string text, string registry, string repository, string? tag, string? digest)
    {
        var reference = ImageReference.Parse(text);
        Assert.Equal(new ImageReference(registry, repository, tag, digest), reference);
        Assert.Equal(digest ?? tag, reference.Reference);
    }

    [Theory]
    [InlineData("busybox", "name a registry host")]
    [InlineData("library/busybox:latest", "name a registry host")]
    [InlineData("127.0.0.1:5000/Demo:1", "repository")]
    [InlineData("127.0.0.1:5000/demo:bad tag", "tag")]
    [InlineData("127.0.0.1:5000/demo@sha256:abc", "digest")]
    [InlineData("127.0.0.1:5000/../x:1", "repository")]
    public void Invalid_references_are_invalid_image(string text, string inMessage)
    {
        var error = Assert.Throws<RuntimeException>(() => ImageReference.Parse(text));
        Assert.Equal("invalid_image", error.Code);
        Assert.Contains(inMessage, error.Message, StringComparison.Ordinal);
    }
}
