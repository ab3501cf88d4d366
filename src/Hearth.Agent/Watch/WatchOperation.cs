using System.Runtime.InteropServices;
using System.Text.Json;
using Hearth.Agent.Interop;
using Hearth.Agent.Paths;
using Hearth.Agent.Server.Operations;
using Hearth.Protocol.Agent;

namespace Hearth.Agent.Watch;

/// <summary>
/// <c>watch</c>: watches a directory tree with inotify until cancelled. <c>ready</c> once
/// every directory is watched, then a <c>change</c> per path and 50 ms window
/// (<see cref="Debouncer"/>), and <c>overflow</c> when events were lost (the kernel's queue
/// overflowed, or directories are left unwatched). Directories that appear are watched at
/// once, and what they already hold is reported as created.
/// </summary>
/// <remarks>
/// The operation's thread sleeps in poll(2) on the inotify descriptor and an eventfd that the
/// cancellation writes to, so an idle watch costs no wake-ups. Memory: one watch and one path
/// per directory.
/// </remarks>
internal static unsafe class WatchOperation
{
    private const int MaxDirectoriesLimit = 100_000;

    public static JsonElement? Run(OperationContext context)
    {
        var args = context.Args(AgentWatchSearchJsonContext.Default.WatchArgs);
        var max = args.MaxDirectories ?? WatchDefaults.MaxDirectories;
        if (max is < 1 or > MaxDirectoriesLimit)
            throw new OperationException("bad_request", $"max_directories must be between 1 and {MaxDirectoriesLimit}");
        var cancellation = context.Cancellation;

        using var root = WorkspaceDirectory.Open(args.Path);
        using var inotify = Inotify.Create();
        var excludes = new WatchExcludes(args.Excludes ?? []);
        var tree = new WatchedTree(inotify, excludes, max, rootIsSlash: root.Path == "/");
        tree.Add(root.Fd, "", found: null, cancellation);
        if (tree.Count == 0)
            throw new OperationException("unavailable", tree.Limit ?? $"cannot watch {root.Path}");
        // An open descriptor would keep the root's dentry alive, and with it hold back the
        // IN_DELETE_SELF that tells the watch its root is gone (d_delete(9) only unlinks an
        // unused dentry): new directories are opened by path from / instead (WatchNew).
        root.Dispose();

        context.SendEvent(new WatchEvent { Type = "ready", Root = root.Path, Dirs = tree.Count }, AgentWatchSearchJsonContext.Default.WatchEvent);
        var loop = new Loop(context, root, inotify, tree, excludes);
        loop.ReportLimit();
        loop.Run();
        return null;
    }

    private sealed class Loop(OperationContext context, WorkspaceDirectory root, Inotify inotify, WatchedTree tree, WatchExcludes excludes)
    {
        private readonly Debouncer _pending = new(WatchDefaults.DebounceMilliseconds);
        private readonly List<InotifyEvent> _events = [];
        private bool _limitReported;

        public void Run()
        {
            var cancellation = context.Cancellation;
            var wake = Libc.EventFd(0, Libc.O_CLOEXEC | Libc.O_NONBLOCK);
            if (wake < 0) throw new OperationException("io_error", $"eventfd: {Libc.Describe(Marshal.GetLastPInvokeError())}");
            try
            {
                using var registration = cancellation.Register(() =>
                {
                    ulong one = 1;
                    Libc.Write(wake, (byte*)&one, sizeof(ulong));
                });
                var fds = stackalloc PollFd[2];
                while (true)
                {
                    cancellation.ThrowIfCancellationRequested();
                    fds[0] = new PollFd { Fd = inotify.Fd, Events = Libc.POLLIN };
                    fds[1] = new PollFd { Fd = wake, Events = Libc.POLLIN };
                    var ready = Libc.Poll(fds, 2, _pending.Timeout(Environment.TickCount64));
                    if (ready < 0 && Marshal.GetLastPInvokeError() != Libc.EINTR)
                        throw new OperationException("io_error", $"poll: {Libc.Describe(Marshal.GetLastPInvokeError())}");
                    if (ready > 0 && fds[0].ReturnedEvents != 0)
                    {
                        _events.Clear();
                        inotify.Read(_events);
                        foreach (var e in _events) Handle(e);
                        ReportLimit();
                    }
                    Flush(Environment.TickCount64);
                }
            }
            finally
            {
                Libc.Close(wake);
            }
        }

        /// <summary>Once: some directories are not watched (too many, or the kernel's limit).</summary>
        public void ReportLimit()
        {
            if (_limitReported || tree.Limit is null) return;
            _limitReported = true;
            Send(new WatchEvent { Type = "overflow", Message = tree.Limit });
        }

        private void Handle(InotifyEvent e)
        {
            var now = Environment.TickCount64;
            if ((e.Mask & Libc.IN_Q_OVERFLOW) != 0)
            {
                Flush(long.MaxValue);
                Send(new WatchEvent { Type = "overflow", Message = "the kernel's event queue overflowed and changes were lost; list the tree again" });
                return;
            }
            if ((e.Mask & Libc.IN_IGNORED) != 0)
            {
                tree.Forget(e.Watch);
                return;
            }
            if (tree.PathOf(e.Watch) is not { } directory) return;
            if ((e.Mask & (Libc.IN_DELETE_SELF | Libc.IN_MOVE_SELF)) != 0)
            {
                // The parent reports a subdirectory's end; only the root's ends the watch.
                if (directory.Length != 0) return;
                Flush(long.MaxValue);
                throw new OperationException("not_found", $"{root.Path} was removed or moved away");
            }
            if (e.Name is not { } name) return;
            var path = directory.Length == 0 ? name : directory + "/" + name;
            if (excludes.Matches(path, name)) return;

            var isDirectory = (e.Mask & Libc.IN_ISDIR) != 0;
            string op;
            if ((e.Mask & Libc.IN_CREATE) != 0)
            {
                op = "create";
                _pending.Add(path, op, now);
                if (isDirectory) WatchNew(path, report: true);
                return;
            }
            if ((e.Mask & Libc.IN_DELETE) != 0)
            {
                op = "remove";
            }
            else if ((e.Mask & Libc.IN_MOVED_FROM) != 0)
            {
                op = "rename";
                if (isDirectory) tree.Remove(path);
            }
            else if ((e.Mask & Libc.IN_MOVED_TO) != 0)
            {
                op = "rename";
                if (isDirectory) WatchNew(path, report: false);
            }
            else if ((e.Mask & (Libc.IN_MODIFY | Libc.IN_CLOSE_WRITE)) != 0)
            {
                op = "write";
            }
            else
            {
                return;
            }
            _pending.Add(path, op, now);
        }

        /// <summary>
        /// A directory appeared: watch it and what it holds. Opened by its path from / (inside
        /// the workspace) without following any symlink, so a path swapped for a link is simply
        /// not watched.
        /// </summary>
        private void WatchNew(string path, bool report)
        {
            var fd = WorkspaceRoot.OpenInWorkspace(root.Absolute(path), Libc.O_RDONLY | Libc.O_DIRECTORY, Libc.RESOLVE_NO_SYMLINKS);
            if (fd < 0) return;
            try
            {
                if (tree.Descend(path, path[(path.LastIndexOf('/') + 1)..]))
                {
                    var now = Environment.TickCount64;
                    tree.Add(fd, path, report ? found => _pending.Add(found, "create", now) : null, context.Cancellation);
                }
            }
            finally
            {
                Libc.Close(fd);
            }
        }

        private void Flush(long now)
        {
            foreach (var (path, op) in _pending.TakeDue(now))
                Send(new WatchEvent { Type = "change", Path = root.Absolute(path), Op = op });
        }

        private void Send(WatchEvent e) => context.SendEvent(e, AgentWatchSearchJsonContext.Default.WatchEvent);
    }
}
