using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Hearth.Cli.Output;

/// <summary>Writes the one JSON document that <c>--json</c> promises on stdout.</summary>
internal static class JsonOutput
{
    public static async Task WriteAsync<T>(TextWriter output, T value, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            JsonSerializer.Serialize(writer, value, type);
        }

        await output.WriteLineAsync(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length).AsMemory(), cancellationToken);
        await output.FlushAsync(cancellationToken);
    }
}
