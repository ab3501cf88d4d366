using System.Text.Json;
using System.Text.Json.Serialization;
using Hearth.Protocol.Errors;
using Hearth.Protocol.Images;
using Hearth.Protocol.Workspaces;

namespace Hearth.Protocol.Json;

/// <summary>Source-generated JSON for every wire type: snake_case names, nulls omitted.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(Workspace))]
[JsonSerializable(typeof(WorkspaceResponse))]
[JsonSerializable(typeof(WorkspaceListResponse))]
[JsonSerializable(typeof(WorkspaceDetailsResponse))]
[JsonSerializable(typeof(ResourcesResponse))]
[JsonSerializable(typeof(LifecycleResponse))]
[JsonSerializable(typeof(SuccessResponse))]
[JsonSerializable(typeof(QuotaResponse))]
[JsonSerializable(typeof(HealthResponse))]
[JsonSerializable(typeof(CreateWorkspaceRequest))]
[JsonSerializable(typeof(UpdateWorkspaceRequest))]
[JsonSerializable(typeof(UpdateResourcesRequest))]
[JsonSerializable(typeof(ImagesResponse))]
[JsonSerializable(typeof(ImageResponse))]
[JsonSerializable(typeof(ImageProgressLine))]
[JsonSerializable(typeof(PullImageRequest))]
[JsonSerializable(typeof(PruneImagesResponse))]
[JsonSerializable(typeof(ErrorEnvelope))]
[JsonSerializable(typeof(Hearth.Protocol.Runtime.RuntimeAccessResponse))]
[JsonSerializable(typeof(Hearth.Protocol.Runtime.RawTokenResponse))]
[JsonSerializable(typeof(Hearth.Protocol.Runtime.ExecTask))]
[JsonSerializable(typeof(Hearth.Protocol.Runtime.ExecTaskList))]
[JsonSerializable(typeof(Hearth.Protocol.Runtime.RuntimeInfo))]
[JsonSerializable(typeof(Hearth.Protocol.Runtime.ExecRequest))]
[JsonSerializable(typeof(Hearth.Protocol.Runtime.ExecInputResponse))]
[JsonSerializable(typeof(Hearth.Protocol.Runtime.ExecDeleteAllResponse))]
[JsonSerializable(typeof(Hearth.Protocol.Runtime.FileEntry))]
[JsonSerializable(typeof(Hearth.Protocol.Runtime.FileListResponse))]
[JsonSerializable(typeof(Hearth.Protocol.Runtime.FileReadResponse))]
[JsonSerializable(typeof(Hearth.Protocol.Runtime.FileWriteRequest))]
[JsonSerializable(typeof(Hearth.Protocol.Runtime.FileWriteResponse))]
[JsonSerializable(typeof(Hearth.Protocol.Runtime.FileMkdirRequest))]
[JsonSerializable(typeof(Hearth.Protocol.Runtime.FilePathResponse))]
[JsonSerializable(typeof(Hearth.Protocol.Runtime.FileStatResponse))]
[JsonSerializable(typeof(Hearth.Protocol.Runtime.FileDeleteRequest))]
[JsonSerializable(typeof(Hearth.Protocol.Runtime.SearchMatch))]
[JsonSerializable(typeof(Hearth.Protocol.Runtime.ContentSearchResponse))]
[JsonSerializable(typeof(Hearth.Protocol.Runtime.FileSearchResponse))]
[JsonSerializable(typeof(Hearth.Protocol.Runtime.SearchStatusResponse))]
[JsonSerializable(typeof(Hearth.Protocol.Runtime.TransferDownloadRequest))]
[JsonSerializable(typeof(Hearth.Protocol.Runtime.TransferUploadResponse))]
[JsonSerializable(typeof(Hearth.Protocol.Runtime.TerminalCreateRequest))]
[JsonSerializable(typeof(Hearth.Protocol.Runtime.TerminalSession))]
[JsonSerializable(typeof(Hearth.Protocol.Runtime.TerminalListResponse))]
[JsonSerializable(typeof(Hearth.Protocol.Runtime.TerminalScrollbackResponse))]
[JsonSerializable(typeof(Hearth.Protocol.Runtime.TerminalCloseResponse))]
[JsonSerializable(typeof(Hearth.Protocol.Runtime.WatcherCreateRequest))]
[JsonSerializable(typeof(Hearth.Protocol.Runtime.WatcherInfo))]
[JsonSerializable(typeof(Hearth.Protocol.Runtime.WatcherResponse))]
[JsonSerializable(typeof(Hearth.Protocol.Runtime.WatcherListResponse))]
[JsonSerializable(typeof(Hearth.Protocol.Runtime.WatcherDeleteResponse))]
[JsonSerializable(typeof(Hearth.Protocol.Runtime.TerminalResizeMessage))]
[JsonSerializable(typeof(Hearth.Protocol.Runtime.TerminalExitMessage))]
[JsonSerializable(typeof(Hearth.Protocol.Runtime.WatcherEventMessage))]
[JsonSerializable(typeof(Hearth.Protocol.Workspaces.WorkspaceNetworkResponse))]
[JsonSerializable(typeof(Hearth.Protocol.Workspaces.UpdateNetworkRequest))]
[JsonSerializable(typeof(Hearth.Protocol.Workloads.WorkloadSpec))]
[JsonSerializable(typeof(Hearth.Protocol.Workloads.WorkloadInfo))]
[JsonSerializable(typeof(Hearth.Protocol.Workloads.WorkloadPatch))]
[JsonSerializable(typeof(Hearth.Protocol.Workloads.WorkloadStats))]
[JsonSerializable(typeof(Hearth.Protocol.Workloads.WorkloadResponse))]
[JsonSerializable(typeof(Hearth.Protocol.Workloads.WorkloadListResponse))]
[JsonSerializable(typeof(Hearth.Protocol.Workloads.WorkloadDeleteAllResponse))]
[JsonSerializable(typeof(Hearth.Protocol.Workloads.WorkloadStatusResponse))]
[JsonSerializable(typeof(Hearth.Protocol.Workloads.WorkloadStatsResponse))]
[JsonSerializable(typeof(Hearth.Protocol.Workloads.LogEntry))]
[JsonSerializable(typeof(Hearth.Protocol.Workloads.LogsResponse))]
[JsonSerializable(typeof(Hearth.Protocol.Workloads.LogClearResponse))]
[JsonSerializable(typeof(Hearth.Protocol.Workloads.LogConfigResponse))]
[JsonSerializable(typeof(Hearth.Protocol.Workloads.LogFile))]
[JsonSerializable(typeof(Hearth.Protocol.Workloads.LogFilesResponse))]
[JsonSerializable(typeof(Hearth.Protocol.Workloads.LogFileResponse))]
[JsonSerializable(typeof(Hearth.Protocol.Workspaces.WorkspaceStats))]
[JsonSerializable(typeof(Hearth.Protocol.Workspaces.WorkspaceStatsResponse))]
[JsonSerializable(typeof(Hearth.Protocol.Workspaces.WorkspaceMachineInfoResponse))]
[JsonSerializable(typeof(Hearth.Protocol.Workspaces.WorkspaceConfigResponse))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(System.Text.Json.Nodes.JsonObject))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(double))]
public sealed partial class HearthJsonContext : JsonSerializerContext
{
}

/// <summary>The options every Hearth component uses on the wire.</summary>
public static class HearthJson
{
    /// <summary>Options backed by <see cref="HearthJsonContext"/>.</summary>
    public static JsonSerializerOptions Options => HearthJsonContext.Default.Options;
}
