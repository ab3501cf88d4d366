using System.Runtime.CompilerServices;
using System.Text;
using Hearth.Bench.Measurement;

namespace Hearth.Bench.Scenarios;

/// <summary>
/// Server-Sent Events from a response body (WHATWG HTML, "server-sent events"), as the SDKs read
/// them: <c>event:</c> and <c>data:</c> fields, an event ending at a blank line; <c>id:</c> and
/// comments (heartbeats) are skipped. Each event is stamped with the clock when its blank line
/// has been read, so events that came in one read share a time, as they arrived together.
/// </summary>
internal static class SseReader
{
    public static async IAsyncEnumerable<SseEvent> ReadAsync(Stream body, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var reader = new StreamReader(body, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, bufferSize: 64 * 1024);
        string? name = null, data = null;
        var bytes = 0;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            // The lines are ASCII (JSON with escapes, base64) but for log text, where this undercounts a little.
            bytes += line.Length + 1;
            if (line.Length == 0)
            {
                if (data is not null) yield return new SseEvent(name, data, UnixClock.NowMicros(), bytes);
                (name, data, bytes) = (null, null, 0);
            }
            else if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                var value = line.AsSpan(5).TrimStart(' ').ToString();
                data = data is null ? value : data + "\n" + value;
            }
            else if (line.StartsWith("event:", StringComparison.Ordinal))
            {
                name = line.AsSpan(6).TrimStart(' ').ToString();
            }
        }
    }
}
