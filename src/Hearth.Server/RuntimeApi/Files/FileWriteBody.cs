using System.Buffers.Text;
using System.Text.Json;
using Hearth.Protocol.Errors;
using Hearth.Server.Api;
using Hearth.Server.Validation;

namespace Hearth.Server.RuntimeApi.Files;

/// <summary>
/// The body of <c>POST|PUT /files/write</c>: <c>path</c>, <c>content</c>, <c>create_dirs</c>,
/// <c>append</c>, <c>mode</c> and <c>encoding</c>. The body is read once into one array and
/// <c>content</c> is taken from it without a string in between (a slice of it when the JSON
/// has no escapes, unescaped and base64-decoded in place otherwise), so a 64 MiB file costs
/// about 64 MiB here.
/// </summary>
internal sealed record FileWriteBody(string Path, ReadOnlyMemory<byte> Content, bool Append, bool? CreateDirs, int? Mode)
{
    public static async Task<FileWriteBody> ReadAsync(HttpRequest request)
    {
        var body = await ReadBodyAsync(request);
        if (body.Length == 0) throw new ApiException(400, ErrorCodes.InvalidJson, "a JSON object body is required");
        try
        {
            return Parse(body);
        }
        catch (JsonException e)
        {
            throw new ApiException(400, ErrorCodes.InvalidJson, $"malformed JSON: {e.Message}");
        }
    }

    /// <summary>Octal permission bits as text: <c>"0644"</c>, <c>"755"</c> or <c>"0o600"</c>.</summary>
    public static int? ParseMode(FieldReader fields, string? text, string field)
    {
        if (text is null) return null;
        var digits = text.StartsWith("0o", StringComparison.OrdinalIgnoreCase) ? text[2..] : text;
        if (digits.Length is > 0 and <= 5 && digits.All(c => c is >= '0' and <= '7'))
        {
            var mode = Convert.ToInt32(digits, 8);
            if (mode <= 0xFFF) return mode;
        }

        fields.Add(field, $"must be octal permission bits such as \"0644\", not '{text}'");
        return null;
    }

    private static FileWriteBody Parse(byte[] body)
    {
        var fields = new FieldReader();
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 32 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            throw new ApiException(400, ErrorCodes.InvalidJson, "the body must be a JSON object");
        string? path = null, encoding = null, modeText = null;
        Memory<byte>? content = null;
        bool? append = null, createDirs = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            reader.Read();
            if (reader.TokenType == JsonTokenType.Null) continue;
            switch (name)
            {
                case "path":
                    path = Text(ref reader, fields, name) is { } p ? FilePaths.Check(fields, name, p) : null;
                    break;
                case "content" when reader.TokenType == JsonTokenType.String:
                    // The token's bytes sit in the body just after its opening quote.
                    var raw = body.AsMemory((int)reader.TokenStartIndex + 1, reader.ValueSpan.Length);
                    content = reader.ValueIsEscaped ? raw[..JsonUnescape.InPlace(raw.Span)] : raw;
                    break;
                case "content":
                    fields.Add(name, "must be a string");
                    break;
                case "encoding":
                    encoding = Text(ref reader, fields, name);
                    break;
                case "mode":
                    modeText = Text(ref reader, fields, name);
                    break;
                case "append":
                    append = Flag(ref reader, fields, name);
                    break;
                case "create_dirs":
                    createDirs = Flag(ref reader, fields, name);
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        if (path is null && !fields.Errors.Any(e => e.Field == "path")) fields.Add("path", "is required");
        if (content is null && !fields.Errors.Any(e => e.Field == "content")) fields.Add("content", "is required");
        var base64 = encoding?.ToLowerInvariant() switch
        {
            null or "utf-8" or "utf8" => false,
            "base64" => true,
            _ => Invalid(fields, "encoding", $"must be utf-8 or base64, not '{encoding}'"),
        };
        var mode = ParseMode(fields, modeText, "mode");
        if (base64 && content is { } encoded)
        {
            if (Base64.DecodeFromUtf8InPlace(encoded.Span, out var decoded) == System.Buffers.OperationStatus.Done)
                content = encoded[..decoded];
            else
                fields.Add("content", "is not valid base64");
        }

        if (fields.Errors.Count > 0) throw ApiException.Invalid(fields.Errors);
        return new FileWriteBody(path!, content!.Value, append ?? false, createDirs, mode);
    }

    private static string? Text(ref Utf8JsonReader reader, FieldReader fields, string name)
    {
        if (reader.TokenType == JsonTokenType.String) return reader.GetString();
        fields.Add(name, "must be a string");
        reader.Skip();
        return null;
    }

    private static bool? Flag(ref Utf8JsonReader reader, FieldReader fields, string name)
    {
        if (reader.TokenType is JsonTokenType.True or JsonTokenType.False) return reader.GetBoolean();
        fields.Add(name, "must be true or false");
        reader.Skip();
        return null;
    }

    private static bool Invalid(FieldReader fields, string field, string message)
    {
        fields.Add(field, message);
        return false;
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request)
    {
        var cancellationToken = request.HttpContext.RequestAborted;
        if (request.ContentLength is { } length and <= int.MaxValue)
        {
            var exact = GC.AllocateUninitializedArray<byte>((int)length);
            var read = await request.Body.ReadAtLeastAsync(exact, exact.Length, throwOnEndOfStream: false, cancellationToken);
            return read == exact.Length ? exact : exact[..read];
        }

        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }
}
