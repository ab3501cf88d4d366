using Hearth.Bench.Measurement;

namespace Hearth.Bench.Scenarios;

/// <summary>
/// Everything the files scenario measures for one file size: the content (random bytes, the
/// same for every path), the request bodies built from it before any clock starts, the paths
/// each series writes in the workspace, and the series themselves.
/// </summary>
internal sealed class FileSizeSeries
{
    public const string Directory = "/bench";
    public const string UploadDirectory = "/bench/up";

    public FileSizeSeries(string label, string tag, int size, bool transfers, int seed)
    {
        Label = label;
        Size = size;
        Content = new byte[size];
        new Random(seed).NextBytes(Content);
        HearthPath = $"{Directory}/hearth-{tag}.bin";
        CrunPath = $"{Directory}/crun-{tag}.bin";
        CrunSyncPath = $"{Directory}/crun-sync-{tag}.bin";
        UploadName = $"hearth-up-{tag}.bin";
        WriteBody = FilesGatewayClient.WriteBody(HearthPath, Content);
        Archive = transfers ? FileArchive.OneFile(UploadName, Content) : null;

        HearthWrite = new($"Hearth POST /files/write, {label} (base64 in JSON)");
        HearthRead = new($"Hearth GET /files/read, {label} (base64 in JSON)");
        Upload = transfers ? new($"Hearth POST /files/transfer/upload, {label} (tar.gz)") : null;
        Download = transfers ? new($"Hearth POST /files/transfer/download, {label} (tar.gz)") : null;
        CrunWrite = new($"crun exec sh -c 'cat > FILE', {label}");
        CrunRead = new($"crun exec cat FILE, {label}");
        CrunSyncWrite = new($"crun exec durable write: cat > FILE.tmp, fsync, rename, fsync of the directory, {label}");
    }

    public string Label { get; }
    public int Size { get; }
    public byte[] Content { get; }

    public string HearthPath { get; }
    public string CrunPath { get; }
    /// <summary>Written as hearthd writes (temporary file, fsync, rename, fsync of the directory), by the durable baseline.</summary>
    public string CrunSyncPath { get; }
    public string UploadName { get; }
    public string UploadedPath => $"{UploadDirectory}/{UploadName}";

    /// <summary>The <c>POST /files/write</c> body for <see cref="HearthPath"/>.</summary>
    public byte[] WriteBody { get; }
    /// <summary>The tar.gz uploaded (one file, <see cref="UploadName"/>), or null when this size has no transfer series.</summary>
    public byte[]? Archive { get; }
    /// <summary>Sizes on the wire, seen in the verification round.</summary>
    public int ReadReplyBytes { get; set; }
    public int DownloadBytes { get; set; }

    public SeriesWithCpu HearthWrite { get; }
    public SeriesWithCpu HearthRead { get; }
    public SeriesWithCpu? Upload { get; }
    public SeriesWithCpu? Download { get; }
    public SeriesWithCpu CrunWrite { get; }
    public SeriesWithCpu CrunRead { get; }
    public SeriesWithCpu CrunSyncWrite { get; }

    /// <summary>VmRSS (MiB) before the measured series, its peak during them (Measurement/RssSampler) and VmRSS after, for hearthd and for the agent.</summary>
    public (double Before, double Peak, double After) HearthdMemory { get; set; } = (double.NaN, double.NaN, double.NaN);
    public (double Before, double Peak, double After) AgentMemory { get; set; } = (double.NaN, double.NaN, double.NaN);
}
