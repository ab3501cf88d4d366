using System.Net;
using System.Text.Json;
using Hearth.IntegrationTests.Infrastructure;
using Hearth.Testing;

namespace Hearth.IntegrationTests.Workloads;

/// <summary>A hearthd and one busybox workspace shared by a test class; its tests give their workloads names of their own.</summary>
public sealed class WorkloadWorkspaceFixture : IAsyncLifetime
{
    private readonly HearthdFixture hearthd = new();
    private string? workspaceId;

    public HearthdInstance Hearthd => hearthd.Hearthd;

    public string WorkspaceId => workspaceId ?? throw new InvalidOperationException("the workspace was not created");

    /// <summary><c>/workspace/:id/workloads</c> of the shared workspace.</summary>
    public string Workloads => $"/workspace/{WorkspaceId}/workloads";

    public async Task InitializeAsync()
    {
        await hearthd.InitializeAsync();
        workspaceId = await Hearthd.CreateWorkspaceAsync().Within(Bounded.Create);
    }

    public Task DisposeAsync() => hearthd.DisposeAsync();

    /// <summary>Creates a workload in the shared workspace (201 expected) and returns it.</summary>
    public async Task<JsonElement> CreateAsync(string json)
    {
        var response = await Hearthd.PostAsync(Workloads, json).Within();
        ApiAssert.Status(response, HttpStatusCode.Created);
        return response.Json.GetProperty("workload");
    }

    /// <summary>Polls <c>GET .../logs</c> until its entries satisfy <paramref name="match"/>.</summary>
    public Task<JsonElement> WaitForLogsAsync(string workload, Func<IReadOnlyList<JsonElement>, bool> match, string query = "?tail=10000") =>
        WorkloadWait.LogsAsync(Hearthd, $"{Workloads}/{workload}/logs{query}", match);
}
