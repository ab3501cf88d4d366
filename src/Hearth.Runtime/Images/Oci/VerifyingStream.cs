using System.Security.Cryptography;

namespace Hearth.Runtime.Images.Oci;

/// <summary>
/// A read-only stream that hashes what passes through it and, when the inner stream ends,
/// throws <c>digest_mismatch</c> unless the sha256 equals <c>expected</c>. Content is only
/// trusted once EOF was read: a consumer must read to the end (LayerExtractor does).
/// <paramref name="atEnd"/> runs at EOF before the comparison (to drain a stream further down,
/// such as the compressed blob under a decompressor, so that its own check runs first).
/// </summary>
internal sealed class VerifyingStream(Stream inner, string expected, string what, bool leaveOpen = false, Action? atEnd = null) : Stream
{
    private readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private bool verified;

    /// <summary>Bytes read so far.</summary>
    public long BytesRead { get; private set; }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = inner.Read(buffer);
        return Account(buffer, read);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken);
        return Account(buffer.Span, read);
    }

    /// <summary>A read of 0 bytes into a non-empty buffer is EOF: the moment to compare.</summary>
    private int Account(ReadOnlySpan<byte> buffer, int read)
    {
        if (read > 0)
        {
            hash.AppendData(buffer[..read]);
            BytesRead += read;
        }
        else if (!verified && buffer.Length > 0)
        {
            verified = true;
            atEnd?.Invoke();
            var actual = Digest.Sha256Prefix + Convert.ToHexStringLower(hash.GetHashAndReset());
            if (actual != expected)
                throw new RuntimeException("digest_mismatch", $"{what}: expected {expected} got {actual}");
        }
        return read;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            hash.Dispose();
            if (!leaveOpen) inner.Dispose();
        }
        base.Dispose(disposing);
    }
}
