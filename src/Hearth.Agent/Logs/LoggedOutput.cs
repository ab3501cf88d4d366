using System.Runtime.InteropServices;
using Hearth.Agent.Interop;
using Hearth.Agent.Server;
using Hearth.Protocol.Agent;

namespace Hearth.Agent.Logs;

/// <summary>
/// The stdout and stderr pipes of a process whose output goes to a <see cref="SegmentedLog"/>
/// (a workload, the main command), read by a <see cref="PipePump"/>. Each chunk becomes whole
/// lines written with one write(2); with <see cref="_tee"/> the raw bytes are also copied to
/// the agent's own stdout or stderr (the main command's output still reaches the container's
/// console, as it did before it had a log).
/// </summary>
internal sealed unsafe class LoggedOutput : PumpedProcess
{
    private readonly SegmentedLog _log;
    private readonly LineBuffer _stdout = new(LogLine.Stdout);
    private readonly LineBuffer _stderr = new(LogLine.Stderr);
    private readonly List<byte> _lines = new(64 * 1024);
    private readonly bool _tee;
    private readonly Action? _ended;
    private int _open = 2;

    private LoggedOutput(SegmentedLog log, bool tee, Action? ended)
    {
        _log = log;
        _tee = tee;
        _ended = ended;
    }

    /// <summary>
    /// Creates the two pipes; the caller gives <paramref name="stdoutWrite"/> and
    /// <paramref name="stderrWrite"/> to the child, closes them after the spawn, and then hands
    /// this to the pump. Null (and the error number) if a pipe cannot be made.
    /// </summary>
    public static LoggedOutput? Create(SegmentedLog log, bool tee, Action? ended, out int stdoutWrite, out int stderrWrite, out int error)
    {
        var output = new LoggedOutput(log, tee, ended);
        stdoutWrite = stderrWrite = -1;
        error = Pipe.Create(out output.StdoutFd, out stdoutWrite);
        if (error == 0) error = Pipe.Create(out output.StderrFd, out stderrWrite);
        if (error == 0)
        {
            Pipe.SetNonBlocking(output.StdoutFd);
            Pipe.SetNonBlocking(output.StderrFd);
            return output;
        }

        output.CloseAll();
        Pipe.Close(ref stdoutWrite);
        Pipe.Close(ref stderrWrite);
        return null;
    }

    /// <summary>Before the pump owns them: closes the agent's ends after a failed start.</summary>
    public void CloseAll()
    {
        Pipe.Close(ref StdoutFd);
        Pipe.Close(ref StderrFd);
    }

    public override void OnOutput(FrameKind kind, ReadOnlySpan<byte> chunk)
    {
        if (_tee)
        {
            // Best effort, as any console: a failed or short write loses console bytes, never log lines.
            fixed (byte* start = chunk)
                Libc.Write(kind == FrameKind.Stdout ? 1 : 2, start, (nuint)chunk.Length);
        }

        var lines = (kind == FrameKind.Stdout ? _stdout : _stderr).Add(chunk, DateTime.UtcNow, _lines);
        WriteLines(lines);
    }

    public override void OnOutputEnd(FrameKind kind)
    {
        WriteLines((kind == FrameKind.Stdout ? _stdout : _stderr).Flush(DateTime.UtcNow, _lines));
        if (--_open == 0) _ended?.Invoke();
    }

    private void WriteLines(int count)
    {
        if (count == 0) return;
        _log.Append(CollectionsMarshal.AsSpan(_lines), count);
        _lines.Clear();
        // A burst can grow the buffer far beyond its usual size; PID 1 gives it back.
        if (_lines.Capacity > 1024 * 1024) _lines.Capacity = 64 * 1024;
    }
}
