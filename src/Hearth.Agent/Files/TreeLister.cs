using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Hearth.Agent.Interop;
using Hearth.Agent.Paths;
using Hearth.Protocol.Agent;

namespace Hearth.Agent.Files;

/// <summary>
/// The walk behind <c>fs.list</c>: depth-first with an explicit stack of open directories
/// (so depth costs descriptors, not the operation thread's stack), each directory read whole
/// (at most the entry limit) and sorted when asked. Symlinks are listed, never followed; the
/// agent's mounts are left out; <c>/proc</c>, <c>/sys</c> and <c>/dev</c> are listed but not
/// entered from outside. Files are opened only for a hash or content, with O_NOFOLLOW relative
/// to their directory's descriptor.
/// </summary>
internal sealed unsafe class TreeLister
{
    private const int ChunkSize = 16 * 1024;

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly FsListArgs _args;
    private readonly WorkspacePath _top;
    private readonly Stream _data;
    private readonly CancellationToken _cancellation;
    private readonly IgnoreRules? _userRules;
    private readonly HashSet<string>? _extensions;
    private readonly bool _filtered;
    private readonly int _maxDepth;
    private readonly int _limit;
    private readonly bool _useGitignore;
    private readonly List<Frame> _frames = [];
    private readonly ArrayBufferWriter<byte> _line = new(512);
    private readonly Utf8JsonWriter _json;
    private readonly byte[] _chunk = new byte[ChunkSize];
    private byte[]? _escaped;
    private long _budget;
    private int _count;
    private bool _truncated;

    /// <summary>A directory had more entries than the limit; those beyond were never read.</summary>
    private bool _cut;

    public TreeLister(FsListArgs args, WorkspacePath top, Stream data, CancellationToken cancellation)
    {
        _args = args;
        _top = top;
        _data = data;
        _cancellation = cancellation;
        _budget = args.ContentBudget;
        _maxDepth = args.MaxDepth ?? 20;
        _limit = args.Limit ?? 50_000;
        _useGitignore = args.UseGitignore ?? true;
        _json = new Utf8JsonWriter(_line, WriterOptions);
        if (args.IgnorePatterns is { Count: > 0 } patterns) _userRules = IgnoreRules.Parse(patterns);
        if (args.IncludeExt is { Count: > 0 } extensions)
            _extensions = new HashSet<string>(extensions.Select(e => e.TrimStart('.')), StringComparer.OrdinalIgnoreCase);
        _filtered = _extensions is not null || args.CodeFilesOnly || !string.IsNullOrEmpty(args.PathFilter);
    }

    public void Run(Fd top)
    {
        WriteEvent(new FsListEvent { Event = "start", Path = _top.Value });
        _data.Flush();
        try
        {
            _frames.Add(ReadFrame(top, "", 0, owned: false));
            while (_frames.Count > 0 && !_truncated)
            {
                _cancellation.ThrowIfCancellationRequested();
                var frame = _frames[^1];
                if (frame.Index >= frame.Entries.Count)
                {
                    Pop();
                    continue;
                }

                Visit(frame, frame.Entries[frame.Index++]);
            }
        }
        finally
        {
            while (_frames.Count > 0) Pop();
        }

        WriteEvent(new FsListEvent { Event = "done", Count = _count, Truncated = _truncated || _cut });
        _data.Flush();
    }

    private void Visit(Frame frame, DirectoryEntry entry)
    {
        var relative = frame.Relative.Length == 0 ? entry.Name : frame.Relative + "/" + entry.Name;
        var knownType = entry.Type is Libc.DT_REG or Libc.DT_LNK;
        Statx st = default;
        var needStat = !knownType || !_args.Light || _args.IncludeHash || _args.IncludeContent;
        if (needStat)
        {
            int result;
            fixed (byte* name = entry.RawName)
                result = Libc.Statx(frame.Dir.Value, name, Libc.AT_SYMLINK_NOFOLLOW, Libc.STATX_BASIC_STATS | Libc.STATX_MNT_ID, out st);
            if (result != 0) return; // gone since the directory was read
        }

        var isDirectory = needStat && st.IsDirectory;
        if (isDirectory && WorkspaceRoot.IsHidden(st)) return;
        if (Ignored(relative, entry.Name, isDirectory)) return;
        var path = _top.IsRoot ? "/" + relative : _top.Value + "/" + relative;
        if (!isDirectory && _filtered && !Selected(entry.Name, path)) return;

        if (!isDirectory || !(_filtered && _args.FilesOnlyWhenFiltered))
        {
            if (_count >= _limit)
            {
                _truncated = true;
                return;
            }

            WriteEntry(frame, entry, path, needStat ? st.TypeName : entry.Type == Libc.DT_LNK ? "symlink" : "file", st, needStat);
            _count++;
        }

        if (isDirectory && _args.Recursive && frame.Depth + 1 < _maxDepth && !WorkspaceRoot.IsPseudoMount(st))
        {
            int fd;
            fixed (byte* name = entry.RawName)
                fd = Libc.OpenAt(frame.Dir.Value, name, Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_NOFOLLOW | Libc.O_CLOEXEC, 0);
            if (fd < 0) return; // unreadable or swapped for something else: listed, not entered
            _data.Flush();
            _frames.Add(ReadFrame(new Fd(fd), relative, frame.Depth + 1, owned: true));
        }
    }

    private bool Selected(string name, string path)
    {
        var extension = CodeFiles.ExtensionOf(name);
        if (_extensions is not null && (extension is null || !_extensions.Contains(extension))) return false;
        if (_args.CodeFilesOnly && !CodeFiles.IsCode(name)) return false;
        return string.IsNullOrEmpty(_args.PathFilter) || path.Contains(_args.PathFilter, StringComparison.OrdinalIgnoreCase);
    }

    private bool Ignored(string relative, string name, bool isDirectory)
    {
        if (_userRules?.Match(relative, isDirectory) == true) return true;
        if (!_useGitignore) return false;
        if (isDirectory && name == ".git") return true;
        // The deepest .gitignore that has a say decides; each matches paths below its directory.
        for (var i = _frames.Count - 1; i >= 0; i--)
        {
            var frame = _frames[i];
            var below = frame.Relative.Length == 0 ? relative : relative[(frame.Relative.Length + 1)..];
            if (frame.Rules?.Match(below, isDirectory) is { } decision) return decision;
        }
        return false;
    }

    private void WriteEntry(Frame frame, DirectoryEntry entry, string path, string type, in Statx st, bool haveStat)
    {
        _line.Clear();
        _json.Reset(_line);
        _json.WriteStartObject();
        _json.WriteString("name", entry.Name);
        _json.WriteString("path", path);
        _json.WriteString("type", type);
        if (!_args.Light && haveStat)
        {
            _json.WriteNumber("size", st.Size);
            _json.WriteString("modified", st.Modified);
        }

        if (_args.IncludeExtensions && type != "directory" && CodeFiles.ExtensionOf(entry.Name) is { } extension)
            _json.WriteString("extension", extension);

        Fd? file = null;
        long contentLength = -1;
        try
        {
            if (haveStat && st.IsRegular && (_args.IncludeHash || _args.IncludeContent))
                file = Inspect(frame, entry, st, out contentLength);
            _json.WriteEndObject();
            _json.Flush();
            var line = _line.WrittenSpan;
            if (file is not null && contentLength >= 0)
            {
                _data.Write(line[..^1]);
                _data.Write(",\"content\":\""u8);
                WriteEscaped(file, contentLength);
                _data.Write("\"}\n"u8);
                _budget -= contentLength;
            }
            else
            {
                _data.Write(line);
                _data.Write("\n"u8);
            }
        }
        finally
        {
            file?.Dispose();
        }
    }

    /// <summary>
    /// Reads the file once for its hash (written into the line here) and to learn whether its
    /// content may go out: UTF-8 and within what is left of the budget. Returns the open file
    /// and the content's length, or -1 for no content; null when it cannot be read.
    /// </summary>
    private Fd? Inspect(Frame frame, DirectoryEntry entry, in Statx st, out long contentLength)
    {
        contentLength = -1;
        int fd;
        fixed (byte* name = entry.RawName)
            fd = Libc.OpenAt(frame.Dir.Value, name, Libc.O_RDONLY | Libc.O_NOFOLLOW | Libc.O_NONBLOCK | Libc.O_NOCTTY | Libc.O_CLOEXEC, 0);
        if (fd < 0) return null;
        var file = new Fd(fd);
        if (Libc.Statx(fd, "", Libc.AT_EMPTY_PATH, Libc.STATX_BASIC_STATS, out var opened) != 0 || !opened.SameInode(st))
        {
            file.Dispose();
            return null;
        }

        var wantContent = _args.IncludeContent && (long)st.Size <= _budget;
        var sha = _args.IncludeHash ? new Sha256() : null;
        var utf8 = wantContent ? new Utf8Check() : null;
        if (sha is null && utf8 is null) return file;
        long length = 0;
        for (int n; (n = ReadAt(file, length)) > 0; length += n)
        {
            _cancellation.ThrowIfCancellationRequested();
            sha?.Append(_chunk.AsSpan(0, n));
            utf8?.Append(_chunk.AsSpan(0, n));
            if (utf8 is not null && (!utf8.Valid || length + n > _budget))
            {
                utf8 = null;
                if (sha is null) break;
            }
        }

        if (sha is not null) _json.WriteString("hash", sha.FinishHex());
        if (utf8 is not null && utf8.Finish()) contentLength = length;
        return file;
    }

    /// <summary>Copies the first <paramref name="length"/> bytes of the file into the line as a JSON string's body.</summary>
    private void WriteEscaped(Fd file, long length)
    {
        _escaped ??= new byte[ChunkSize * JsonText.MaxExpansion];
        long offset = 0;
        while (offset < length)
        {
            var n = ReadAt(file, offset, (int)Math.Min(ChunkSize, length - offset));
            if (n <= 0)
            {
                // Shrunk since the first read: pad so the line stays what the hash described.
                _chunk.AsSpan(0, (int)Math.Min(ChunkSize, length - offset)).Fill((byte)' ');
                n = (int)Math.Min(ChunkSize, length - offset);
            }

            _data.Write(_escaped.AsSpan(0, JsonText.Escape(_chunk.AsSpan(0, n), _escaped)));
            offset += n;
        }
    }

    private int ReadAt(Fd file, long offset, int count = ChunkSize)
    {
        while (true)
        {
            nint n;
            fixed (byte* p = _chunk) n = Libc.PRead(file.Value, p, (nuint)count, offset);
            if (n >= 0) return (int)n;
            if (Libc.Errno != Libc.EINTR) return -1;
        }
    }

    /// <summary>Reads a directory's entries (at most the entry limit) and its .gitignore.</summary>
    private Frame ReadFrame(Fd dir, string relative, int depth, bool owned)
    {
        var entries = new List<DirectoryEntry>();
        var reader = new DirectoryReader(dir, relative);
        while (reader.Next(out var entry))
        {
            if (entries.Count >= _limit)
            {
                _cut = true;
                break;
            }

            entries.Add(entry);
        }

        if (_args.Sorted)
            entries.Sort(static (a, b) => (a.Type == Libc.DT_DIR) != (b.Type == Libc.DT_DIR)
                ? (a.Type == Libc.DT_DIR ? -1 : 1)
                : string.CompareOrdinal(a.Name, b.Name));
        var rules = _useGitignore ? IgnoreRules.Load(dir.Value, ".gitignore") : null;
        return new Frame(dir, owned, relative, depth, entries, rules);
    }

    private void Pop()
    {
        var frame = _frames[^1];
        _frames.RemoveAt(_frames.Count - 1);
        if (frame.Owned) frame.Dir.Dispose();
    }

    private void WriteEvent(FsListEvent value)
    {
        _data.Write(JsonSerializer.SerializeToUtf8Bytes(value, AgentFilesJsonContext.Default.FsListEvent));
        _data.Write("\n"u8);
    }

    private sealed class Frame(Fd dir, bool owned, string relative, int depth, List<DirectoryEntry> entries, IgnoreRules? rules)
    {
        public Fd Dir { get; } = dir;
        public bool Owned { get; } = owned;
        public string Relative { get; } = relative;
        public int Depth { get; } = depth;
        public List<DirectoryEntry> Entries { get; } = entries;
        public IgnoreRules? Rules { get; } = rules;
        public int Index { get; set; }
    }
}
