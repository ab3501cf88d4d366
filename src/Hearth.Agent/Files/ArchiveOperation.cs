using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;
using Hearth.Agent.Interop;
using Hearth.Agent.Paths;
using Hearth.Agent.Server.Operations;
using Hearth.Protocol.Agent;

namespace Hearth.Agent.Files;

/// <summary>
/// <c>fs.archive</c>: a gzip-compressed PAX tar of the requested paths as data frames, built
/// while it is sent (System.Formats.Tar into GZipStream into the data frames), so neither the
/// agent nor hearthd holds more than a frame of it. Every path is resolved before anything is
/// sent; an <c>event</c> then says the archive starts, and a failure after it ends the
/// operation with an error (the gateway cuts the download short).
/// </summary>
/// <remarks>
/// Each path becomes a top-level entry named by its last component (<c>/app/src</c> gives
/// <c>src/...</c>; <c>/</c> gives its contents), as <c>tar -C /app src</c> would, so an
/// upload to <c>/app</c> puts it back. The paths themselves are followed if they are
/// symlinks; inside them symlinks are stored as symlinks. Regular files, directories and
/// symlinks are archived; sockets, FIFOs and devices are left out, as are the agent's mounts,
/// and <c>/proc</c>, <c>/sys</c>, <c>/dev</c> are not entered.
/// </remarks>
internal static class ArchiveOperation
{
    private const int MaxPaths = 1000;

    public static JsonElement? Run(OperationContext context)
    {
        var args = context.Args(AgentFilesJsonContext.Default.FsArchiveArgs);
        if (args.Paths is not { Count: > 0 } requested) throw new OperationException("bad_request", "paths must name at least one path");
        if (requested.Count > MaxPaths) throw new OperationException("bad_request", $"paths may name at most {MaxPaths} paths");
        var exclude = args.ExcludePatterns is { Count: > 0 } patterns ? IgnoreRules.Parse(patterns) : null;

        // Every path must resolve before the first byte: a missing one is a 404, not a cut archive.
        var tops = new List<(WorkspacePath Path, Statx St)>();
        for (var i = 0; i < requested.Count; i++)
        {
            var path = WorkspacePath.Parse(requested[i], $"paths[{i}]");
            using var look = WorkspaceRoot.Open(path, Libc.O_PATH);
            var st = WorkspaceRoot.Stat(look, path.Value);
            WorkspaceRoot.EnsureVisible(st, path.Value);
            if (!st.IsDirectory && !st.IsRegular) throw new OperationException("bad_request", $"{path} is neither a file nor a directory");
            tops.Add((path, st));
        }

        context.SendEvent(new FsListEvent { Event = "start" }, AgentFilesJsonContext.Default.FsListEvent);
        var writer = new ArchiveWriter(context, exclude);
        using (var gzip = new GZipStream(context.OpenData(), CompressionLevel.Fastest))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (path, st) in tops)
                writer.Add(tar, path, st);
        }

        return OperationContext.Result(new FsArchiveResult { Entries = writer.Entries }, AgentFilesJsonContext.Default.FsArchiveResult);
    }
}
