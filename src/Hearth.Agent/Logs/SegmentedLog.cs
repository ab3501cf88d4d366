using System.Globalization;
using Microsoft.Win32.SafeHandles;

namespace Hearth.Agent.Logs;

/// <summary>
/// One log on the workspace's disk (docs/design/workloads.md, "Logs"): a directory of segment
/// files named by the cursor of their first byte, whole lines only, with a size limit and an age
/// limit. Writers append lines under <see cref="_gate"/>; readers (<see cref="LogReader"/>) read
/// the files up to <see cref="NextCursor"/> and wait on the same gate for more, so a line is
/// either wholly visible to a reader or not at all, and a new one wakes every follower at once.
/// </summary>
internal sealed class SegmentedLog
{
    /// <summary>A segment holds at most this share of the size limit, so dropping the oldest frees a quarter.</summary>
    private const int SegmentsPerLimit = 4;

    private const string Extension = ".log";

    private readonly object _gate = new();
    private readonly List<Segment> _segments = [];
    private long _maxBytes;
    private TimeSpan _retention;
    private SafeFileHandle? _current;
    private long _next;
    private long _dropped;
    private long _clearedAt = -1;
    private long _clears;
    private bool _closed;
    private bool _opened;
    private long _lastSegmentAttempt;

    private SegmentedLog(string directory, long maxBytes, TimeSpan retention)
    {
        Directory = directory;
        _maxBytes = maxBytes;
        _retention = retention;
    }

    /// <summary>The directory of segments.</summary>
    public string Directory { get; }

    /// <summary>One segment file: the cursor of its first byte, and how many bytes it has.</summary>
    internal sealed record Segment(long Start, string Path)
    {
        public long Length { get; set; }
        public DateTime LastWrite { get; set; }
        public long End => Start + Length;
    }

    /// <summary>
    /// The log in <paramref name="directory"/>. Nothing is touched until it is first used (an
    /// idle agent with no workloads and no command never opens a log: PID 1 stays small).
    /// </summary>
    public static SegmentedLog Open(string directory, long maxBytes, TimeSpan retention) => new(directory, maxBytes, retention);

    /// <summary>
    /// Under the gate, on first use: creates the directory (mode 0700) if missing and carries on
    /// from its existing segments: their names and sizes give the next cursor, so cursors stay
    /// valid across agent restarts. A last line cut short by a crash is ended with a newline.
    /// Throws IOException when the disk refuses (then the next use tries again).
    /// </summary>
    private void EnsureOpenLocked()
    {
        if (_opened || _closed) return;
        System.IO.Directory.CreateDirectory(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        foreach (var path in System.IO.Directory.EnumerateFiles(Directory, "*" + Extension))
        {
            if (long.TryParse(Path.GetFileNameWithoutExtension(path), NumberStyles.None, CultureInfo.InvariantCulture, out var start))
            {
                var info = new FileInfo(path);
                _segments.Add(new Segment(start, path) { Length = info.Length, LastWrite = info.LastWriteTimeUtc });
            }
        }

        _segments.Sort((a, b) => a.Start.CompareTo(b.Start));
        _opened = true;
        if (_segments.Count == 0)
        {
            StartSegment(0);
            return;
        }

        var last = _segments[^1];
        _next = last.End;
        _current = File.OpenHandle(last.Path, FileMode.Append, FileAccess.Write);
        if (last.Length > 0 && LastByte(last.Path) != (byte)'\n')
            WriteLocked("\n"u8, DateTime.UtcNow);
        // Lines that aged out while the workspace was stopped go before anything new is added.
        EnforceLocked(DateTime.UtcNow);
    }

    /// <summary>The cursor the next line will have.</summary>
    public long NextCursor
    {
        get
        {
            lock (_gate)
            {
                EnsureOpenLocked();
                return _next;
            }
        }
    }

    /// <summary>Changes the limits; they apply from the next write (and the next sweep).</summary>
    public void SetLimits(long maxBytes, TimeSpan retention)
    {
        lock (_gate)
        {
            _maxBytes = maxBytes;
            _retention = retention;
            if (_opened) EnforceLocked(DateTime.UtcNow);
        }
    }

    /// <summary>
    /// Appends whole, formatted lines (<see cref="LogLine"/>) with one write(2). Lines that cannot
    /// be written (a full disk) are counted in <see cref="LogStatus.DroppedLines"/>, never thrown:
    /// a workload must not stall or die because its log cannot grow.
    /// </summary>
    public void Append(ReadOnlySpan<byte> lines, int lineCount)
    {
        if (lines.IsEmpty) return;
        lock (_gate)
        {
            if (_closed) return;
            try { EnsureOpenLocked(); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
            if (!WriteLocked(lines, DateTime.UtcNow)) _dropped += lineCount;
        }
    }

    /// <summary>Appends one line of the agent's own (<c>s</c>): started, exited, restarting.</summary>
    public void Note(string text)
    {
        var line = LogLine.Format(DateTime.UtcNow, LogLine.System, text);
        Append(line, 1);
    }

    /// <summary>
    /// Deletes every segment and starts an empty one at the current cursor (cursors are never
    /// reused). Followers get a <c>cleared</c> event. Returns the cursor.
    /// </summary>
    public long Clear()
    {
        lock (_gate)
        {
            if (_closed) return _next;
            EnsureOpenLocked();
            _current?.Dispose();
            _current = null;
            foreach (var segment in _segments) TryDelete(segment.Path);
            _segments.Clear();
            StartSegment(_next);
            _clearedAt = _next;
            _clears++;
            Monitor.PulseAll(_gate);
            return _next;
        }
    }

    /// <summary>Drops segments past the age limit; called every minute.</summary>
    public void Sweep()
    {
        lock (_gate)
        {
            if (_opened) EnforceLocked(DateTime.UtcNow);
        }
    }

    /// <summary>Closes the log for good and deletes its directory (a deleted workload), waking followers.</summary>
    public void Delete()
    {
        lock (_gate)
        {
            _closed = true;
            _current?.Dispose();
            _current = null;
            _segments.Clear();
            Monitor.PulseAll(_gate);
        }

        try { System.IO.Directory.Delete(Directory, recursive: true); }
        catch (IOException) { } // what is left is the workspace's own junk, not ours to fail on
        catch (UnauthorizedAccessException) { }
    }

    /// <summary>Size, limits and cursors.</summary>
    public LogStatus Status()
    {
        lock (_gate)
        {
            EnsureOpenLocked();
            return new LogStatus(
                MaxBytes: _maxBytes,
                Retention: _retention,
                StoredBytes: _segments.Sum(s => s.Length),
                DroppedLines: _dropped,
                FirstCursor: _segments.Count > 0 ? _segments[0].Start : _next,
                NextCursor: _next,
                LastWrite: _segments.Count > 0 && _segments[^1].Length > 0 ? _segments[^1].LastWrite : null);
        }
    }

    /// <summary>A reader starting at <paramref name="cursor"/> (clamped into what is kept).</summary>
    public LogReader OpenReader(long cursor) => new(this, cursor);

    /// <summary>
    /// The cursor of the line <paramref name="lines"/> lines before the end, but no earlier than
    /// <paramref name="notBefore"/> and no more than <paramref name="maxBytes"/> before the end
    /// (whole lines: the first line that fits). Reads the segments backwards from the end.
    /// </summary>
    public long StartBefore(int lines, long maxBytes, long notBefore)
    {
        var (segments, next, _, _, _) = Snapshot();
        var limit = Math.Max(notBefore, next - maxBytes);
        var best = next;
        if (lines <= 0 || segments.Length == 0) return best;

        var buffer = new byte[64 * 1024];
        var found = 0;
        for (var index = segments.Length - 1; index >= 0; index--)
        {
            var segment = segments[index];
            SafeFileHandle handle;
            try { handle = File.OpenHandle(segment.Path, FileMode.Open, FileAccess.Read); }
            catch (FileNotFoundException) { return best; } // dropped meanwhile: start at what was found
            using (handle)
            {
                // The last byte before the end is the last line's own newline, not a line start.
                var end = Math.Min(segment.End, next - 1);
                while (end > segment.Start)
                {
                    var start = Math.Max(segment.Start, end - buffer.Length);
                    var count = RandomAccess.Read(handle, buffer.AsSpan(0, (int)(end - start)), start - segment.Start);
                    for (var i = count - 1; i >= 0; i--)
                    {
                        if (buffer[i] != (byte)'\n') continue;
                        var lineStart = start + i + 1;
                        if (lineStart < limit) return best;
                        best = lineStart;
                        if (++found == lines) return best;
                    }

                    end = start;
                }
            }

            // The first byte kept is a line start too.
            if (index == 0 && segment.Start >= limit) best = segment.Start;
        }

        return best;
    }

    // ---- For LogReader: a consistent view under the gate. ----

    /// <summary>The segments and the end, as they are now; and the count of clears so far.</summary>
    internal (Segment[] Segments, long Next, long Clears, long ClearedAt, bool Closed) Snapshot()
    {
        lock (_gate)
        {
            EnsureOpenLocked();
            return ([.. _segments.Select(s => s with { Length = s.Length })], _next, _clears, _clearedAt, _closed);
        }
    }

    /// <summary>Blocks until the log has grown past <paramref name="cursor"/>, been cleared, or closed, or until <paramref name="timeout"/>.</summary>
    internal void WaitBeyond(long cursor, long clears, TimeSpan timeout)
    {
        lock (_gate)
        {
            if (_next == cursor && _clears == clears && !_closed)
                Monitor.Wait(_gate, timeout);
        }
    }

    // ---- Under _gate. ----

    private bool WriteLocked(ReadOnlySpan<byte> bytes, DateTime now)
    {
        // No segment to write to (a rotation failed: a full disk, no descriptors left): try a
        // new one again, at most once a second, rather than losing every later line for good.
        if (_current is null && _opened && Environment.TickCount64 - _lastSegmentAttempt >= 1000)
            StartSegment(_next);
        if (_current is null) return false;
        var segment = _segments[^1];
        try
        {
            RandomAccess.Write(_current, bytes, segment.Length);
        }
        catch (IOException)
        {
            return false;
        }

        segment.Length += bytes.Length;
        segment.LastWrite = now;
        _next += bytes.Length;
        if (segment.Length >= SegmentLimit) StartSegment(_next);
        EnforceLocked(now);
        Monitor.PulseAll(_gate);
        return true;
    }

    private long SegmentLimit => Math.Max(64 * 1024, _maxBytes / SegmentsPerLimit);

    private void StartSegment(long start)
    {
        _lastSegmentAttempt = Environment.TickCount64;
        _current?.Dispose();
        _current = null;
        var path = Path.Combine(Directory, start.ToString("D20", CultureInfo.InvariantCulture) + Extension);
        try
        {
            // The directory is the owner's alone (0700), whatever mode the file gets from the umask.
            _current = File.OpenHandle(path, FileMode.Append, FileAccess.Write);
            _segments.Add(new Segment(start, path) { LastWrite = DateTime.UtcNow });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // No segment to write to (a full disk): lines are counted as dropped until a later
            // write finds room (WriteLocked tries again).
            // The console only: this log may be the boot log itself.
            StandardError.WriteRaw($"hearth-agent: log {Directory}: {e.Message}\n");
        }
    }

    /// <summary>Drops the oldest segments while over the size limit, and any past the age limit; never the one being written.</summary>
    private void EnforceLocked(DateTime now)
    {
        var total = _segments.Sum(s => s.Length);
        while (_segments.Count > 1 && (total > _maxBytes || IsExpired(_segments[0], now)))
        {
            total -= _segments[0].Length;
            TryDelete(_segments[0].Path);
            _segments.RemoveAt(0);
        }

        // The segment being written, if even its newest line is too old, is closed and dropped too.
        if (_segments.Count == 1 && _segments[0].Length > 0 && IsExpired(_segments[0], now))
        {
            var old = _segments[0];
            StartSegment(_next);
            TryDelete(old.Path);
            _segments.Remove(old);
        }
    }

    private bool IsExpired(Segment segment, DateTime now) => _retention > TimeSpan.Zero && now - segment.LastWrite > _retention;

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private static byte LastByte(string path)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
        Span<byte> last = stackalloc byte[1];
        return RandomAccess.Read(handle, last, RandomAccess.GetLength(handle) - 1) == 1 ? last[0] : (byte)'\n';
    }
}

/// <summary>What <see cref="SegmentedLog.Status"/> reports.</summary>
internal readonly record struct LogStatus(
    long MaxBytes, TimeSpan Retention, long StoredBytes, long DroppedLines, long FirstCursor, long NextCursor, DateTime? LastWrite);
