using System.Security.Cryptography;

namespace Hearth.Server.Workloads;

/// <summary>Workload ids: <c>wl_</c> and 10 lowercase letters and digits, as workspace ids (<see cref="Workspaces.WorkspaceIds"/>).</summary>
internal static class WorkloadIds
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

    public static string New() => "wl_" + RandomNumberGenerator.GetString(Alphabet, 10);
}
