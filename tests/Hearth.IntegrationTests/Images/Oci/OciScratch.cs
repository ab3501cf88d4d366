namespace Hearth.IntegrationTests.Images.Oci;

/// <summary>
/// A scratch folder per test with a layer folder (<see cref="Tree"/>) and, beside it, a folder
/// that a malicious layer aims at (<see cref="Outside"/>): a test proves nothing landed there.
/// These tests need root (mknod, chown, trusted.* xattrs) and fail without it.
/// </summary>
internal sealed class OciScratch : IDisposable
{
    public OciScratch()
    {
        if (!Environment.IsPrivilegedProcess)
            throw new InvalidOperationException("the OCI layer tests need root (mknod, chown, trusted.* xattrs): run as root (scripts/test.sh)");
        Root = Path.Combine(Path.GetTempPath(), "hearth-oci-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Tree);
        Directory.CreateDirectory(Outside);
        Directory.CreateDirectory(Work);
    }

    public string Root { get; }
    public string Tree => Path.Combine(Root, "tree");
    public string Outside => Path.Combine(Root, "outside");
    public string Work => Path.Combine(Root, "work");

    public string InTree(string path) => Path.Combine(Tree, path);

    /// <summary>A fresh empty layer folder.</summary>
    public string NewTree(string name)
    {
        var dir = Path.Combine(Root, name);
        Directory.CreateDirectory(dir);
        return dir;
    }

    public void Dispose()
    {
        if (Directory.Exists(Root)) Directory.Delete(Root, recursive: true);
    }
}
