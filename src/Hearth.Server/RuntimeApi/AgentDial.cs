using Hearth.Runtime.Agent;

namespace Hearth.Server.RuntimeApi;

/// <summary>Dials a workspace's agent by its init's host pid, waiting for the agent to bind its socket right after a start.</summary>
internal static class AgentDial
{
    private const int Attempts = 50;
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(20);

    public static async Task<AgentConnection> ConnectAsync(int initPid, CancellationToken cancellationToken = default)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await AgentConnection.ConnectAsync(initPid, cancellationToken);
            }
            catch (Hearth.Runtime.RuntimeException) when (attempt < Attempts)
            {
                await Task.Delay(Pause, cancellationToken);
            }
            catch (System.Net.Sockets.SocketException) when (attempt < Attempts)
            {
                await Task.Delay(Pause, cancellationToken);
            }
        }
    }
}
