using System.IO.Compression;

namespace Hearth.Runtime.Images.Oci;

/// <summary>
/// One layer of an image, bottom first in <see cref="OciImage.Layers"/>. <see cref="DiffId"/> is
/// the sha256 of the uncompressed tar (<c>sha256:hex</c>; its hex is the layer id in the store).
/// <see cref="OpenUncompressed"/> opens the tar; read to its end, it has checked the compressed
/// blob's digest (when known) and the diff_id, throwing <c>digest_mismatch</c> otherwise.
/// </summary>
internal sealed record OciLayerBlob(string DiffId, Func<Stream> OpenUncompressed)
{
    /// <summary>
    /// A layer stored in <paramref name="path"/>: gzip is recognised by its magic bytes (1f 8b),
    /// whatever the media type says; zstd (28 b5 2f fd) is refused; anything else is a plain tar.
    /// <paramref name="blobDigest"/> is null where the archive names no digest for the file
    /// (a legacy <c>docker save</c> layer.tar), and then only the diff_id is checked.
    /// </summary>
    public static OciLayerBlob FromFile(string path, string diffId, string? blobDigest) =>
        new(diffId, () => Open(path, diffId, blobDigest));

    private static Stream Open(string path, string diffId, string? blobDigest)
    {
        var file = File.OpenRead(path);
        try
        {
            Span<byte> magic = stackalloc byte[4];
            var read = file.ReadAtLeast(magic, 4, throwOnEndOfStream: false);
            file.Position = 0;
            var what = $"layer {Digest.Short(diffId)}";
            if (read >= 4 && magic[0] == 0x28 && magic[1] == 0xb5 && magic[2] == 0x2f && magic[3] == 0xfd)
                throw new RuntimeException("invalid_layer", $"{what}: zstd layers are not supported");
            if (read >= 2 && magic[0] == 0x1f && magic[1] == 0x8b)
            {
                Stream compressed = blobDigest is null ? file : new VerifyingStream(file, blobDigest, $"{what} blob");
                var gzip = new GZipStream(compressed, CompressionMode.Decompress);
                return new VerifyingStream(gzip, diffId, $"{what} diff_id", atEnd: () => compressed.CopyTo(Stream.Null));
            }
            Stream plain = blobDigest is null || blobDigest == diffId ? file : new VerifyingStream(file, blobDigest, $"{what} blob");
            return new VerifyingStream(plain, diffId, $"{what} diff_id");
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }
}
