using System.Text;
using System.Text.Json;
using Hearth.Protocol.Workloads;
using Hearth.Server.Workloads;

namespace Hearth.Server.Tests.Workloads;

public sealed class LogSseFormatTests
{
    private static string Format(params LogItem[] items)
    {
        using var format = new LogSseFormat();
        return Encoding.UTF8.GetString(format.Format(items).Span);
    }

    [Fact]
    public void A_line_is_one_event_whose_id_is_the_cursor_after_it()
    {
        var entry = new LogEntry { Timestamp = new DateTimeOffset(2026, 11, 29, 18, 0, 0, 123, TimeSpan.Zero), Stream = "stderr", Line = "a \"quoted\"\r\nline ✓", Cursor = 40 };

        var text = Format(new LogLine(entry, 90));

        Assert.StartsWith("id: 90\ndata: {", text, StringComparison.Ordinal);
        Assert.EndsWith("}\n\n", text, StringComparison.Ordinal);
        Assert.Equal(4, text.Split('\n').Length); // id, data, and the blank line: no raw newline inside the JSON
        var data = JsonDocument.Parse(text.Split('\n')[1]["data: ".Length..]).RootElement;
        Assert.Equal(entry.Line, data.GetProperty("line").GetString());
        Assert.Equal(entry.Line, data.GetProperty("data").GetString());
        Assert.Equal(entry.Line, data.GetProperty("message").GetString());
        Assert.Equal("stderr", data.GetProperty("stream").GetString());
        Assert.Equal(entry.Timestamp, data.GetProperty("timestamp").GetDateTimeOffset());
        Assert.Equal(40, data.GetProperty("cursor").GetInt64());
    }

    [Fact]
    public void Marks_carry_their_cursor_as_id_and_data()
    {
        var text = Format(new LogMark("cleared", 500), new LogMark("gap", 900));

        Assert.Equal("id: 500\ndata: {\"cleared\":true,\"cursor\":500}\n\nid: 900\ndata: {\"gap\":true,\"cursor\":900}\n\n", text);
    }

    [Fact]
    public void A_batch_is_reusable_and_each_format_starts_empty()
    {
        using var format = new LogSseFormat();
        format.Format([new LogMark("gap", 1)]);

        var second = Encoding.UTF8.GetString(format.Format([new LogMark("gap", 2)]).Span);

        Assert.Equal("id: 2\ndata: {\"gap\":true,\"cursor\":2}\n\n", second);
    }
}
