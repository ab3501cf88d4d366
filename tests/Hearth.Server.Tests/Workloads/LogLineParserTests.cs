using System.Text;
using Hearth.Protocol.Workloads;
using Hearth.Server.Workloads;

namespace Hearth.Server.Tests.Workloads;

public sealed class LogLineParserTests
{
    private const string Line1 = "2026-11-29T18:00:00.123Z o hello\n";
    private const string Line2 = "2026-11-29T18:00:01.000Z e oops: ünïcode ✓\n";
    private const string Line3 = "2026-11-29T18:00:02.999Z s exited with code 0\n";

    private static List<LogLine> Feed(LogLineParser parser, params byte[][] chunks)
    {
        var items = new List<LogItem>();
        foreach (var chunk in chunks) parser.Feed(chunk, items);
        return items.Cast<LogLine>().ToList();
    }

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public void Whole_lines_become_entries_with_their_cursors()
    {
        var parser = new LogLineParser();
        parser.Restart(1000);

        var lines = Feed(parser, Bytes(Line1 + Line2 + Line3));

        Assert.Equal(3, lines.Count);
        Assert.Equal(new LogEntry { Timestamp = new DateTimeOffset(2026, 11, 29, 18, 0, 0, 123, TimeSpan.Zero), Stream = "stdout", Line = "hello", Cursor = 1000 }, lines[0].Entry);
        Assert.Equal(("stderr", "oops: ünïcode ✓"), (lines[1].Entry.Stream, lines[1].Entry.Line));
        Assert.Equal(("system", "exited with code 0"), (lines[2].Entry.Stream, lines[2].Entry.Line));
        var length1 = Bytes(Line1).Length;
        var length2 = Bytes(Line2).Length;
        Assert.Equal([1000, 1000 + length1, 1000 + length1 + length2], lines.Select(l => l.Entry.Cursor));
        Assert.Equal(lines[1].Entry.Cursor, lines[0].Next);
        Assert.Equal(1000 + Bytes(Line1 + Line2 + Line3).Length, lines[2].Next);
        Assert.Equal(lines[2].Next, parser.Cursor);
    }

    [Fact]
    public void Lines_split_at_every_possible_byte_give_the_same_entries()
    {
        var all = Bytes(Line1 + Line2 + Line3);
        var whole = Feed(new LogLineParser(), all);

        for (var split = 1; split < all.Length; split++)
        {
            var parser = new LogLineParser();
            var lines = Feed(parser, all[..split], all[split..]);
            Assert.Equal(whole, lines);
        }
        // And one byte at a time: a multi-byte character split across frames still decodes.
        var byByte = Feed(new LogLineParser(), all.Select(b => new[] { b }).ToArray());
        Assert.Equal(whole, byByte);
    }

    [Fact]
    public void A_partial_line_waits_for_its_end_and_the_cursor_stays_at_its_start()
    {
        var parser = new LogLineParser();
        var first = Feed(parser, Bytes(Line1 + "2026-11-29T18:00:01.000Z o par"));

        Assert.Single(first);
        Assert.Equal(Bytes(Line1).Length, parser.Cursor);

        var rest = Feed(parser, Bytes("tial\n"));
        Assert.Equal("partial", Assert.Single(rest).Entry.Line);
        Assert.Equal(Bytes(Line1).Length, rest[0].Entry.Cursor);
    }

    [Fact]
    public void Restart_drops_a_partial_line_and_counts_from_the_new_cursor()
    {
        var parser = new LogLineParser();
        Feed(parser, Bytes("2026-11-29T18:00:01.000Z o lost"));

        parser.Restart(5000);
        var lines = Feed(parser, Bytes(Line1));

        Assert.Equal(("hello", 5000L), (lines[0].Entry.Line, lines[0].Entry.Cursor));
    }

    [Fact]
    public void Invalid_utf8_becomes_replacement_characters()
    {
        var bytes = Bytes("2026-11-29T18:00:00.123Z o a").Concat(new byte[] { 0xff, 0xc3 }).Concat(Bytes("b\n")).ToArray();

        var line = Assert.Single(Feed(new LogLineParser(), bytes));

        Assert.Equal("a\uFFFD\uFFFDb", line.Entry.Line);
        Assert.Equal(bytes.Length, line.Next);
    }

    [Fact]
    public void An_empty_line_has_empty_text()
    {
        var lines = Feed(new LogLineParser(), Bytes("2026-11-29T18:00:00.123Z o \n2026-11-29T18:00:00.123Z e\n"));

        Assert.Equal(["", ""], lines.Select(l => l.Entry.Line));
        Assert.Equal(["stdout", "stderr"], lines.Select(l => l.Entry.Stream));
    }

    [Theory]
    [InlineData("not a log line at all")]
    [InlineData("2026-11-29T18:00:00.123Z x bad stream")]
    [InlineData("2026-13-29T18:00:00.123Z o bad month")]
    [InlineData("2026-02-30T18:00:00.123Z o bad day")]
    [InlineData("2026-11-29 18:00:00.123Z o bad separator")]
    [InlineData("2026-11-29T18:00:00.12aZ o bad digit")]
    [InlineData("2026-11-29T18:00:00.123Zo no space")]
    [InlineData("")]
    public void A_line_of_another_form_is_kept_whole_as_stdout(string text)
    {
        var line = Assert.Single(Feed(new LogLineParser(), Bytes(text + "\n")));

        Assert.Equal((text, "stdout", DateTimeOffset.UnixEpoch), (line.Entry.Line, line.Entry.Stream, line.Entry.Timestamp));
    }

    [Fact]
    public void A_line_longer_than_any_the_agent_writes_is_cut_without_losing_bytes()
    {
        var parser = new LogLineParser();
        var huge = new string('x', LogLineParser.MaxLineBytes * 2 + 10);

        var lines = Feed(parser, Bytes(huge[..1000]), Bytes(huge[1000..] + "\n"));

        Assert.Equal(3, lines.Count);
        Assert.Equal(huge, string.Concat(lines.Select(l => l.Entry.Line)));
        Assert.Equal(huge.Length + 1, parser.Cursor);
        Assert.Equal(LogLineParser.MaxLineBytes, lines[1].Entry.Cursor);
    }
}
