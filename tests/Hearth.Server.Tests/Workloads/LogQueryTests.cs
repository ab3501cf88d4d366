using Hearth.Protocol.Agent;
using Hearth.Server.Api;
using Hearth.Server.Workloads;
using Microsoft.AspNetCore.Http;

namespace Hearth.Server.Tests.Workloads;

public sealed class LogQueryTests
{
    private static readonly LogArgs Log = new() { Workload = "web" };

    private static LogArgs Read(string query, string? lastEventId = null, int? defaultTail = 100)
    {
        var context = new DefaultHttpContext();
        context.Request.QueryString = new QueryString(query);
        if (lastEventId is not null) context.Request.Headers["Last-Event-ID"] = lastEventId;
        return LogQuery.Read(context.Request, Log, defaultTail, "tail", "tail_lines");
    }

    [Fact]
    public void Without_anything_the_default_tail_is_read()
    {
        Assert.Equal(Log with { Tail = 100 }, Read(""));
    }

    [Fact]
    public void Without_a_default_tail_the_read_starts_at_the_beginning()
    {
        Assert.Equal(Log with { Since = 0 }, Read("", defaultTail: null));
    }

    [Theory]
    [InlineData("?tail=5", 5)]
    [InlineData("?tail_lines=7", 7)]
    [InlineData("?tail=0", 0)]
    [InlineData("?tail=10000", 10000)]
    [InlineData("?tail=3&tail_lines=9", 3)]
    public void Tail_or_its_alias_is_read(string query, int tail)
    {
        Assert.Equal(Log with { Tail = tail }, Read(query));
    }

    [Fact]
    public void Since_wins_over_tail_and_last_event_id()
    {
        Assert.Equal(Log with { Since = 42 }, Read("?since=42&tail=5", lastEventId: "7"));
    }

    [Fact]
    public void Last_event_id_resumes_when_since_is_absent()
    {
        Assert.Equal(Log with { Since = 7 }, Read("?tail=5", lastEventId: "7"));
    }

    [Theory]
    [InlineData("?tail=-1", null, "tail")]
    [InlineData("?tail=10001", null, "tail")]
    [InlineData("?tail=x", null, "tail")]
    [InlineData("?tail_lines=x", null, "tail_lines")]
    [InlineData("?since=-5", null, "since")]
    [InlineData("?since=abc", null, "since")]
    [InlineData("", "abc", "Last-Event-ID")]
    [InlineData("", "-1", "Last-Event-ID")]
    public void Bad_values_are_named(string query, string? lastEventId, string field)
    {
        var error = Assert.Throws<ApiException>(() => Read(query, lastEventId));

        Assert.Equal(400, error.Status);
        Assert.Equal([field], error.Errors!.Select(e => e.Field));
    }
}
