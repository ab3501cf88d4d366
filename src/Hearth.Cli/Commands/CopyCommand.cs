using System.CommandLine;
using System.IO.Pipelines;
using Hearth.Cli.Transfer;
using Hearth.Sdk;
using Hearth.Sdk.Runtime;

namespace Hearth.Cli.Commands;

/// <summary>
/// <c>hearth cp SRC DST</c>: copies a file or a directory tree between this machine and a workspace;
/// exactly one side is <c>WS:/path</c>. Names follow <c>cp</c>/<c>docker cp</c>: into an existing
/// directory (or a path ending in <c>/</c>) the copy keeps its name, otherwise it takes DST's. The
/// bytes stream as tar.gz both ways, never held whole in memory.
/// </summary>
internal static class CopyCommand
{
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var source = new Argument<string>("source") { Description = "A local path, or WS:/path in a workspace" };
        var destination = new Argument<string>("destination") { Description = "A local path, or WS:/path in a workspace" };
        var command = new Command("cp", "Copy files between this machine and a workspace") { source, destination };

        ApiAction.Set(command, context, global, async (parseResult, client, cancellationToken) =>
        {
            var (src, dst) = (parseResult.GetRequiredValue(source), parseResult.GetRequiredValue(destination));
            switch (RemotePath.TryParse(src), RemotePath.TryParse(dst))
            {
                case (null, { } remote):
                    await UploadAsync(await client.Workspaces.RuntimeAsync(remote.Workspace, cancellationToken: cancellationToken), src, remote.Path, cancellationToken);
                    return ExitCodes.Success;
                case ({ } remote, null):
                    await DownloadAsync(await client.Workspaces.RuntimeAsync(remote.Workspace, cancellationToken: cancellationToken), remote.Path, dst, cancellationToken);
                    return ExitCodes.Success;
                default:
                    throw new CliException("exactly one of SOURCE and DESTINATION must be WS:/path", ExitCodes.Usage);
            }
        });
        return command;
    }

    private static async Task UploadAsync(RuntimeClient rt, string localPath, string remotePath, CancellationToken cancellationToken)
    {
        if (!File.Exists(localPath) && !Directory.Exists(localPath))
        {
            throw new CliException($"{localPath}: no such file or directory");
        }

        var localName = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(localPath)));
        var (directory, name) = await RemoteTargetAsync(rt, remotePath, localName, cancellationToken);

        // The archive is written into a pipe while the upload reads from it: nothing waits for the whole tree.
        var pipe = new Pipe();
        using var stopPacking = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pack = Task.Run(async () =>
        {
            try
            {
                await TarGz.PackAsync(localPath, name, pipe.Writer.AsStream(leaveOpen: true), stopPacking.Token);
                await pipe.Writer.CompleteAsync();
            }
            catch (Exception ex)
            {
                // The reader must see the failure, not an end of data that would upload a cut archive.
                await pipe.Writer.CompleteAsync(ex);
                throw;
            }
        }, stopPacking.Token);

        try
        {
            await using var input = pipe.Reader.AsStream();
            await rt.Files.UploadAsync(input, directory, cancellationToken);
        }
        catch (HearthApiException)
        {
            // If packing broke the upload, packing's error is the one to report; otherwise packing stops here.
            await pipe.Reader.CompleteAsync();
            await stopPacking.CancelAsync();
            await Task.WhenAny(pack);
            if (!pack.IsFaulted)
            {
                throw;
            }
        }
        finally
        {
            // Unblocks the packer if the upload stopped reading early.
            await pipe.Reader.CompleteAsync();
        }

        try
        {
            await pack;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot read {localPath}: {ex.Message}");
        }
    }

    /// <summary>Where an upload goes: into <paramref name="remotePath"/> if it is a directory, else as it.</summary>
    private static async Task<(string Directory, string Name)> RemoteTargetAsync(RuntimeClient rt, string remotePath, string localName, CancellationToken cancellationToken)
    {
        if (remotePath.EndsWith('/'))
        {
            return (remotePath, localName);
        }

        try
        {
            var stat = await rt.Files.StatAsync(remotePath, cancellationToken);
            if (stat.Type == "directory")
            {
                return (remotePath, localName);
            }
        }
        catch (HearthNotFoundException)
        {
            // A new name.
        }

        return (RemotePath.DirectoryName(remotePath), RemotePath.BaseName(remotePath));
    }

    private static async Task DownloadAsync(RuntimeClient rt, string remotePath, string localPath, CancellationToken cancellationToken)
    {
        var root = Directory.Exists(localPath) || localPath.EndsWith('/')
            ? Path.Combine(localPath, RemotePath.BaseName(remotePath) is { Length: > 0 } name ? name : ".")
            : localPath;
        var parent = Path.GetDirectoryName(Path.GetFullPath(root));
        if (parent is not null && !Directory.Exists(parent))
        {
            throw new CliException($"{parent}: no such directory");
        }

        await using var archive = await rt.Files.DownloadAsync([remotePath], excludePatterns: null, cancellationToken);
        int count;
        try
        {
            count = await TarGz.UnpackAsync(archive, remotePath, root, cancellationToken);
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException)
        {
            throw new CliException($"the download of {remotePath} is not a tar.gz archive: {ex.Message}");
        }

        if (count == 0)
        {
            throw new CliException($"{remotePath}: the workspace sent an empty archive");
        }
    }
}
