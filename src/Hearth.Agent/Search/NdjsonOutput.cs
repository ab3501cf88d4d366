using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Hearth.Agent.Search;

/// <summary>Writes one JSON value a line to an operation's data stream.</summary>
internal sealed class NdjsonOutput(Stream data) : IDisposable
{
    private readonly Utf8JsonWriter _writer = new(data);

    public void Write<T>(T value, JsonTypeInfo<T> type)
    {
        JsonSerializer.Serialize(_writer, value, type);
        EndLine();
    }

    public void WriteString(string value)
    {
        _writer.WriteStringValue(value);
        EndLine();
    }

    public void Dispose()
    {
        _writer.Dispose();
        data.Dispose();
    }

    private void EndLine()
    {
        _writer.Flush();
        _writer.Reset();
        data.WriteByte((byte)'\n');
    }
}
