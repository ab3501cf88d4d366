namespace Hearth.Agent.Server.Operations;

/// <summary>
/// Every operation the agent knows, by op name (docs/design/agent-protocol.md, "Operations").
/// An op that is not here is answered with <c>error bad_request</c>.
/// </summary>
internal static class OperationTable
{
    private static readonly Dictionary<string, OperationHandler> Handlers = new(StringComparer.Ordinal)
    {
        ["info"] = RuntimeInfoOperation.Run,
        ["fs.archive"] = Files.ArchiveOperation.Run,
        ["fs.delete"] = Files.DeleteOperation.Run,
        ["fs.extract"] = Files.ExtractOperation.Run,
        ["fs.list"] = Files.ListOperation.Run,
        ["fs.mkdir"] = Files.MkdirOperation.Run,
        ["fs.read"] = Files.ReadOperation.Run,
        ["fs.stat"] = Files.StatOperation.Run,
        ["fs.write"] = Files.WriteOperation.Run,
        ["watch"] = Watch.WatchOperation.Run,
        ["search.content"] = Search.ContentSearchOperation.Run,
        ["search.files"] = Search.FileSearchOperation.Run,
        ["search.status"] = Search.SearchStatusOperation.Run,
        ["workload.create"] = Workloads.WorkloadOperations.Create,
        ["workload.list"] = Workloads.WorkloadOperations.List,
        ["workload.get"] = Workloads.WorkloadOperations.Get,
        ["workload.update"] = Workloads.WorkloadOperations.Update,
        ["workload.start"] = Workloads.WorkloadOperations.Start,
        ["workload.stop"] = Workloads.WorkloadOperations.Stop,
        ["workload.delete"] = Workloads.WorkloadOperations.Delete,
        ["workload.delete_all"] = Workloads.WorkloadOperations.DeleteAll,
        ["workload.stats"] = Workloads.WorkloadOperations.Stats,
        ["logs.read"] = Logs.LogOperations.Read,
        ["logs.clear"] = Logs.LogOperations.Clear,
        ["logs.config"] = Logs.LogOperations.Config,
    };

    public static OperationHandler? Find(string op) => Handlers.GetValueOrDefault(op);

    /// <summary>Every op a connection accepts on a new stream.</summary>
    public static IReadOnlyList<string> Names => ["spawn", .. Handlers.Keys.Order(StringComparer.Ordinal)];
}
