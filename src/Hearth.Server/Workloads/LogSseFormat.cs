using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Hearth.Server.Workloads;

/// <summary>
/// Log items as Server-Sent Events (docs/design/workloads.md, "Log SSE"): one event per line,
/// <c>id:</c> the cursor after it (so <c>Last-Event-ID</c> resumes exactly after it), data
/// <c>{"line","data","message","stream","timestamp","cursor"}</c> (<c>data</c> and
/// <c>message</c> repeat <c>line</c>: the names the Oblien SDK's log types read; <c>cursor</c>
/// is the line's start, as in <c>entries</c>); <c>{"gap"|"cleared": true, "cursor"}</c> marks.
/// </summary>
internal sealed class LogSseFormat : IDisposable
{
    // JSON escapes control characters (a raw newline would end the event) and quotes; text
    // outside ASCII stays UTF-8. The stream is read as JSON, never embedded in HTML.
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>A buffer grown past this by a burst is let go after it, so an idle stream holds little.</summary>
    private const int KeptCapacity = 1024 * 1024;

    private ArrayBufferWriter<byte> buffer = new(16 * 1024);
    private readonly Utf8JsonWriter json;

    public LogSseFormat() => json = new Utf8JsonWriter(buffer, Options);

    /// <summary>The events of <paramref name="items"/>, valid until the next call.</summary>
    public ReadOnlyMemory<byte> Format(IEnumerable<LogItem> items)
    {
        if (buffer.Capacity > KeptCapacity) buffer = new ArrayBufferWriter<byte>(16 * 1024);
        buffer.ResetWrittenCount();
        foreach (var item in items)
        {
            switch (item)
            {
                case LogLine line:
                    Begin(line.Next);
                    var text = line.Entry.Line;
                    json.WriteString("line", text);
                    json.WriteString("data", text);
                    json.WriteString("message", text);
                    json.WriteString("stream", line.Entry.Stream);
                    json.WriteString("timestamp", line.Entry.Timestamp);
                    json.WriteNumber("cursor", line.Entry.Cursor);
                    End();
                    break;
                case LogMark mark:
                    Begin(mark.Cursor);
                    json.WriteBoolean(mark.Type, true);
                    json.WriteNumber("cursor", mark.Cursor);
                    End();
                    break;
            }
        }
        return buffer.WrittenMemory;
    }

    private void Begin(long id)
    {
        Ascii("id: ");
        Ascii(id.ToString(CultureInfo.InvariantCulture));
        Ascii("\ndata: ");
        json.Reset(buffer);
        json.WriteStartObject();
    }

    private void End()
    {
        json.WriteEndObject();
        json.Flush();
        Ascii("\n\n");
    }

    private void Ascii(string text)
    {
        var span = buffer.GetSpan(text.Length);
        var written = Encoding.ASCII.GetBytes(text, span);
        buffer.Advance(written);
    }

    public void Dispose() => json.Dispose();
}
