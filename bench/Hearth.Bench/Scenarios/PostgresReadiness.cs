using Hearth.Bench.Measurement;

namespace Hearth.Bench.Scenarios;

/// <summary>A postgres image's creates timed until the server accepts connections, every time from the start of the POST.</summary>
internal sealed class PostgresReadiness(string image)
{
    public string Image { get; } = image;
    public Samples Create { get; } = new($"{image}: create -> running (API answer)");
    /// <summary>A TCP connect to the workspace's address, port 5432, from inside its network namespace, first accepted.</summary>
    public Samples TcpAccepted { get; } = new($"{image}: TCP connect to :5432 accepted");
    /// <summary><c>pg_isready -h 127.0.0.1</c> through <c>crun exec</c> first exits 0 (the server accepts sessions, past initdb and recovery).</summary>
    public Samples PgIsReady { get; } = new($"{image}: pg_isready exits 0");
    /// <summary>Set when the image has no pg_isready (only the TCP figure is then measured).</summary>
    public bool NoPgIsReady { get; set; }
}
