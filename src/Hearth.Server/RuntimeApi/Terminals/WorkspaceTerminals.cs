using Hearth.Protocol.Agent;
using Hearth.Runtime.Agent;
using Hearth.Server.Api;

namespace Hearth.Server.RuntimeApi.Terminals;

/// <summary>
/// The terminals of one workspace: ids, limits, and the agent connection they run on.
/// </summary>
/// <remarks>
/// Terminals get a connection of their own, not the workspace's shared one: a terminal that
/// floods output (<c>yes</c>) congests only its own connection, whose processes the agent then
/// holds back, instead of holding back every exec task of the workspace
/// (docs/design/agent-protocol.md, flow control). The connection is dialled with the first
/// terminal and closed with the last; if it breaks, its terminals end (exit code -1), and the
/// agent hangs their processes up.
/// Ids are numbers from 1 to 255 (one byte on <c>/ws</c>), handed out in increasing order and
/// wrapping, so a freed id is not reused at once by a client that still thinks of the old one.
/// </remarks>
internal sealed class WorkspaceTerminals(string workspaceId, AgentPool agents)
{
    /// <summary>Terminals whose process runs, at most (429 beyond).</summary>
    public const int MaxAlive = 10;

    /// <summary>Ended terminals kept listed (with their exit code and scrollback) until deleted; beyond this the oldest goes.</summary>
    public const int MaxExited = 10;

    // signal(7), x86 and ARM numbering, as the agent delivers them.
    private const int SigHup = 1;
    private const int SigKill = 9;

    /// <summary>How long a shell has to exit on SIGHUP before SIGKILL.</summary>
    private static readonly TimeSpan HangUpGrace = TimeSpan.FromSeconds(2);

    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly object table = new();
    private readonly Dictionary<string, Terminal> terminals = [];
    private AgentConnection? connection;
    private int lastId;

    /// <summary>Raised (on any thread) when a terminal produced output, ended, appeared or went.</summary>
    public event Action? Changed;

    public string WorkspaceId => workspaceId;

    /// <summary>The terminals, in creation order.</summary>
    public IReadOnlyList<Terminal> List()
    {
        lock (table) return terminals.Values.OrderBy(t => t.CreatedAt).ThenBy(t => t.IdByte).ToList();
    }

    public Terminal? Find(string id)
    {
        lock (table) return terminals.GetValueOrDefault(id);
    }

    public Terminal Get(string id) => Find(id) ?? throw ApiException.NotFound($"terminal {id}");

    /// <summary>Starts <paramref name="command"/> on a new terminal; 429 when <see cref="MaxAlive"/> already run.</summary>
    public async Task<Terminal> CreateAsync(IReadOnlyList<string> command, string cwd, AgentPtySize size, int scrollbackSize)
    {
        // Not the request's token: a terminal half-started for a client that hung up would be
        // running in the agent with nobody knowing its id.
        await gate.WaitAsync();
        try
        {
            var id = ReserveId();
            var agent = await ConnectionAsync();
            AgentProcess process;
            try
            {
                process = await agent.SpawnTerminalAsync(command, env: null, cwd, size);
            }
            catch (Hearth.Runtime.RuntimeException e) when (e.Code is "spawn_failed" or "bad_request")
            {
                throw new ApiException(400, "spawn_failed", e.Message);
            }

            var terminal = new Terminal(id, command, size, scrollbackSize, process, OnChanged);
            lock (table) terminals[id] = terminal;
            _ = terminal.PumpAsync();
            OnChanged();
            return terminal;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Hangs the terminal up (SIGHUP to its process group, SIGKILL after a grace period if it is
    /// still running) and forgets it.
    /// </summary>
    public async Task DeleteAsync(string id)
    {
        var terminal = Get(id);
        await terminal.SignalAsync(SigHup);
        if (!await EndsWithinAsync(terminal, HangUpGrace))
        {
            await terminal.SignalAsync(SigKill);
            await EndsWithinAsync(terminal, HangUpGrace);
        }

        AgentConnection? idle = null;
        await gate.WaitAsync();
        try
        {
            lock (table)
            {
                terminals.Remove(id);
                if (terminals.Count == 0)
                {
                    idle = connection;
                    connection = null;
                }
            }
        }
        finally
        {
            gate.Release();
        }

        OnChanged();
        // Hangs up whatever a SIGKILLed shell left running on the terminal (agent-protocol.md).
        await CloseQuietlyAsync(idle);
    }

    /// <summary>Whether any terminal's process still runs.</summary>
    public bool AnyAlive
    {
        get { lock (table) return terminals.Values.Any(t => t.ExitCode is null); }
    }

    /// <summary>The registry dropped this workspace (it stopped): closes the connection, if one is left.</summary>
    public async Task ForgetAsync()
    {
        AgentConnection? open;
        lock (table)
        {
            open = connection;
            connection = null;
        }

        await CloseQuietlyAsync(open);
    }

    /// <summary>Under <see cref="gate"/>: checks the limits, forgets the oldest ended terminal if need be, and picks the next free id.</summary>
    private string ReserveId()
    {
        lock (table)
        {
            if (terminals.Values.Count(t => t.ExitCode is null) >= MaxAlive)
                throw new ApiException(429, "too_many_terminals",
                    $"at most {MaxAlive} terminals run at once in a workspace; delete one (DELETE /terminals/:id) first");
            var ended = terminals.Values.Where(t => t.ExitCode is not null).OrderBy(t => t.CreatedAt).ToList();
            foreach (var old in ended.Take(Math.Max(0, ended.Count - MaxExited + 1)))
                terminals.Remove(old.Id);

            // At most MaxAlive + MaxExited - 1 ids are taken, so a free one is found.
            for (var step = 1; step <= byte.MaxValue; step++)
            {
                var candidate = (lastId + step - 1) % byte.MaxValue + 1;
                var id = candidate.ToString(System.Globalization.CultureInfo.InvariantCulture);
                if (terminals.ContainsKey(id)) continue;
                lastId = candidate;
                return id;
            }

            throw new InvalidOperationException("no free terminal id");
        }
    }

    /// <summary>Under <see cref="gate"/>: the terminals' connection, dialled again if it broke.</summary>
    private async Task<AgentConnection> ConnectionAsync()
    {
        AgentConnection? broken;
        lock (table)
        {
            if (connection is { IsOpen: true } open) return open;
            broken = connection;
            connection = null;
        }

        await CloseQuietlyAsync(broken);
        var dialled = await agents.DialAsync(workspaceId);
        lock (table) connection = dialled;
        return dialled;
    }

    private static async Task CloseQuietlyAsync(AgentConnection? connection)
    {
        if (connection is null) return;
        try
        {
            await connection.DisposeAsync();
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or IOException or ObjectDisposedException)
        {
            // It broke with the workspace or the agent: nothing is left to close.
        }
    }

    private static async Task<bool> EndsWithinAsync(Terminal terminal, TimeSpan timeout)
    {
        try
        {
            await terminal.Exited.WaitAsync(timeout);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private void OnChanged() => Changed?.Invoke();
}
