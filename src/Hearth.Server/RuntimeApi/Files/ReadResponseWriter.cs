using System.Buffers;
using System.Buffers.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Hearth.Protocol.Agent;

namespace Hearth.Server.RuntimeApi.Files;

/// <summary>
/// Writes the <c>GET /files/read</c> document around content that streams in from the agent:
/// the fields the agent announced, then <c>"content":"</c>, the bytes escaped as JSON text
/// (or base64 when they are not UTF-8, with <c>"encoding":"base64"</c>), then the closing
/// quote. Nothing but a frame's worth is held, whatever the file's size.
/// </summary>
internal sealed class ReadResponseWriter(IBufferWriter<byte> output, FsReadInfo info)
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly byte[] carry = new byte[3];
    private int carried;
    private long written;

    public void Begin()
    {
        var head = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(head, Options))
        {
            json.WriteStartObject();
            json.WriteBoolean("success", true);
            json.WriteString("path", info.Path);
            json.WriteNumber("size", info.Size);
            json.WriteNumber("lines", info.Lines);
            var extension = Extension(info.Path);
            if (extension is not null) json.WriteString("extension", extension);
            if (info.StartLine is { } start) json.WriteNumber("start_line", start);
            if (info.EndLine is { } end) json.WriteNumber("end_line", end);
            if (!info.Utf8) json.WriteString("encoding", "base64");
            json.WriteEndObject();
        }

        output.Write(head.WrittenSpan[..^1]);
        output.Write(",\"content\":\""u8);
    }

    public void Content(ReadOnlySpan<byte> bytes)
    {
        written += bytes.Length;
        if (info.Utf8)
        {
            var span = output.GetSpan(bytes.Length * JsonText.MaxExpansion);
            output.Advance(JsonText.Escape(bytes, span));
            return;
        }

        // Base64 goes in groups of three bytes; up to two wait for the next piece.
        if (carried > 0)
        {
            var take = Math.Min(3 - carried, bytes.Length);
            bytes[..take].CopyTo(carry.AsSpan(carried));
            carried += take;
            bytes = bytes[take..];
            if (carried < 3) return;
            Encode(carry.AsSpan(0, 3));
            carried = 0;
        }

        var whole = bytes.Length / 3 * 3;
        Encode(bytes[..whole]);
        bytes[whole..].CopyTo(carry);
        carried = bytes.Length - whole;
    }

    /// <summary>Closes the string and the document; the agent must have sent exactly what it announced.</summary>
    public void End()
    {
        if (written != info.Length) throw new InvalidDataException($"the agent sent {written} bytes of {info.Length}");
        if (carried > 0)
        {
            var span = output.GetSpan(4);
            Base64.EncodeToUtf8(carry.AsSpan(0, carried), span, out _, out var n);
            output.Advance(n);
        }

        output.Write("\"}"u8);
    }

    private void Encode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty) return;
        var span = output.GetSpan(Base64.GetMaxEncodedToUtf8Length(bytes.Length));
        Base64.EncodeToUtf8(bytes, span, out _, out var n);
        output.Advance(n);
    }

    private static string? Extension(string path)
    {
        var name = path[(path.LastIndexOf('/') + 1)..];
        var dot = name.LastIndexOf('.');
        return dot <= 0 || dot == name.Length - 1 ? null : name[(dot + 1)..];
    }
}
