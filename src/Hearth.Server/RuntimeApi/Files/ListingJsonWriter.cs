using System.Buffers;
using System.Text.Json;
using Hearth.Protocol.Agent;

namespace Hearth.Server.RuntimeApi.Files;

/// <summary>
/// Turns the agent's <c>fs.list</c> NDJSON into the <c>GET /files</c> document while it
/// arrives: <c>{"success":true,"path","entries":[...],"count"}</c>, entries flat, or nested
/// under their directories' <c>children</c>. Entry lines are copied as the agent wrote them;
/// only the position in the tree is worked out here, from each entry's path (the agent sends
/// depth-first pre-order, so a directory's entries follow it). Memory is a line at most, and a
/// line with file content is not even held: past <see cref="LineHold"/> bytes it is passed on
/// as it comes (a directory line, the only kind edited, is short).
/// </summary>
internal sealed class ListingJsonWriter(IBufferWriter<byte> output, bool tree)
{
    /// <summary>A line longer than this is passed through instead of being held whole.</summary>
    private const int LineHold = 256 * 1024;

    private readonly ArrayBufferWriter<byte> line = new(4096);
    private readonly Stack<int> openDirectories = new();
    private readonly Stack<bool> arrayHasItems = new();
    private string? top;
    private bool passingThrough;
    private int count;
    private bool truncated;
    private bool done;

    /// <summary>Whether the agent's <c>done</c> line has arrived.</summary>
    public bool Done => done;

    public void Feed(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            var newline = data.IndexOf((byte)'\n');
            if (passingThrough)
            {
                output.Write(newline < 0 ? data : data[..newline]);
                if (newline < 0) return;
                passingThrough = false;
                data = data[(newline + 1)..];
                continue;
            }

            line.Write(newline < 0 ? data : data[..newline]);
            if (newline < 0)
            {
                if (line.WrittenCount > LineHold) BeginLongLine();
                return;
            }

            Line(line.WrittenSpan);
            line.Clear();
            data = data[(newline + 1)..];
        }
    }

    /// <summary>Closes the document; the agent must have said <c>done</c>.</summary>
    public void Finish()
    {
        if (!done || line.WrittenCount > 0 || passingThrough)
            throw new InvalidDataException("the agent's listing ended without its done line");
        while (openDirectories.Count > 0) CloseDirectory();
        output.Write("],\"count\":"u8);
        Write(count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (truncated) output.Write(",\"truncated\":true"u8);
        output.Write("}"u8);
    }

    private void Line(ReadOnlySpan<byte> text)
    {
        if (text.IsEmpty) return;
        var head = Head.Parse(text, final: true) ?? throw new InvalidDataException("a listing line is not a JSON object");
        if (head.Event is not null)
        {
            Control(text);
            return;
        }

        BeginEntry(head);
        if (tree && head.Type == "directory")
        {
            output.Write(text[..^1]); // the object without its closing brace
            output.Write(",\"children\":["u8);
            openDirectories.Push(Depth(head.Path));
            arrayHasItems.Push(false);
            return;
        }

        output.Write(text);
    }

    /// <summary>A line too long to hold (a file with content): placed from its head, then passed through.</summary>
    private void BeginLongLine()
    {
        var head = Head.Parse(line.WrittenSpan, final: false);
        if (head is null || head.Event is not null || (tree && head.Type == "directory"))
            throw new InvalidDataException("an overlong listing line that is not a file entry");
        BeginEntry(head);
        output.Write(line.WrittenSpan);
        line.Clear();
        passingThrough = true;
    }

    private void BeginEntry(Head head)
    {
        if (top is null || done) throw new InvalidDataException("a listing entry outside start..done");
        if (tree)
        {
            var depth = Depth(head.Path);
            while (openDirectories.Count > 0 && openDirectories.Peek() >= depth) CloseDirectory();
        }

        if (arrayHasItems.Pop()) output.Write(","u8);
        arrayHasItems.Push(true);
        count++;
    }

    private void CloseDirectory()
    {
        openDirectories.Pop();
        arrayHasItems.Pop();
        output.Write("]}"u8);
    }

    private void Control(ReadOnlySpan<byte> text)
    {
        var message = JsonSerializer.Deserialize(text, AgentFilesJsonContext.Default.FsListEvent)!;
        if (message.Event == "start" && top is null)
        {
            top = message.Path ?? "/";
            output.Write("{\"success\":true,\"path\":"u8);
            using (var json = new Utf8JsonWriter(output))
                json.WriteStringValue(top);
            output.Write(",\"entries\":["u8);
            arrayHasItems.Push(false);
        }
        else if (message.Event == "done" && top is not null)
        {
            done = true;
            truncated = message.Truncated == true;
        }
    }

    /// <summary>1 for the listed directory's own entries, 2 for theirs, ...</summary>
    private int Depth(string path)
    {
        var relative = top == "/" ? path.AsSpan(1) : path.AsSpan(Math.Min(path.Length, top!.Length + 1));
        return relative.Count('/') + 1;
    }

    private void Write(string ascii) => output.Write(System.Text.Encoding.ASCII.GetBytes(ascii));

    /// <summary>What the writer needs from a line: <c>event</c>, or the entry's <c>path</c> and <c>type</c> (written first by the agent).</summary>
    private sealed record Head(string? Event, string Path, string Type)
    {
        public static Head? Parse(ReadOnlySpan<byte> text, bool final)
        {
            var reader = new Utf8JsonReader(text, isFinalBlock: final, state: default);
            string? eventName = null, path = null, type = null;
            try
            {
                if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var name = reader.GetString();
                    if (!reader.Read()) break;
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        if (!reader.TrySkip()) break;
                        continue;
                    }

                    switch (name)
                    {
                        case "event": eventName = reader.GetString(); break;
                        case "path": path = reader.GetString(); break;
                        case "type": type = reader.GetString(); break;
                    }

                    if (eventName is not null || (path is not null && type is not null)) break;
                }
            }
            catch (JsonException)
            {
                return null;
            }

            if (eventName is not null) return new Head(eventName, "", "");
            return path is not null && type is not null ? new Head(null, path, type) : null;
        }
    }
}
