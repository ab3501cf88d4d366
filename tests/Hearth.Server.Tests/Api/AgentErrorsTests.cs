using Hearth.Runtime;
using Hearth.Server.Api;

namespace Hearth.Server.Tests.Api;

public sealed class AgentErrorsTests
{
    [Theory]
    [InlineData("workload_not_found", 404)]
    [InlineData("workload_exists", 409)]
    [InlineData("workload_limit", 409)]
    [InlineData("bad_request", 400)]
    [InlineData("not_found", 404)]
    public void The_agent_codes_have_their_status(string code, int status)
    {
        Assert.Equal(status, AgentErrors.Status(code));
    }

    [Fact]
    public void Codes_the_table_does_not_know_are_hearthds_own_failures()
    {
        Assert.Null(AgentErrors.Status("internal"));
        Assert.Null(AgentErrors.Status("agent_unreachable"));
    }

    [Theory]
    [InlineData("bad_request", "unknown op 'workload.create'", true)]
    [InlineData("bad_request", "ref: the workload's id or name is required", false)]
    [InlineData("not_found", "unknown op 'x'", false)]
    public void Only_an_unknown_op_means_an_outdated_agent(string code, string message, bool outdated)
    {
        Assert.Equal(outdated, AgentErrors.IsOutdated(new RuntimeException(code, message)));
    }
}
