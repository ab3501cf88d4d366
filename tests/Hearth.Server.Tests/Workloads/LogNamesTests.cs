using Hearth.Protocol.Agent;
using Hearth.Server.Workloads;

namespace Hearth.Server.Tests.Workloads;

public sealed class LogNamesTests
{
    [Theory]
    [InlineData("boot.log", null, "boot")]
    [InlineData("cmd.log", null, "cmd")]
    [InlineData("workload-web.log", "web", null)]
    [InlineData("workload-web.api.log", "web.api", null)]
    [InlineData("workload-wl_abc.log", "wl_abc", null)]
    public void A_listed_name_stands_for_its_log(string name, string? workload, string? source)
    {
        Assert.Equal(new LogArgs { Workload = workload, Source = source }, LogNames.Parse(name));
    }

    [Theory]
    [InlineData("boot")]
    [InlineData("other.log")]
    [InlineData("workload-.log")]
    [InlineData("workload-web")]
    [InlineData("")]
    public void Other_names_stand_for_nothing(string name)
    {
        Assert.Null(LogNames.Parse(name));
    }

    [Fact]
    public void Names_round_trip()
    {
        Assert.Equal("web", LogNames.Parse(LogNames.OfWorkload("web"))!.Workload);
        Assert.Equal("cmd", LogNames.Parse(LogNames.OfSource("cmd"))!.Source);
    }
}
