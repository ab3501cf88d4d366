using System.Runtime.InteropServices;
using Hearth.Protocol.Agent;
using Hearth.Protocol.Runtime;


namespace Hearth.Agent.Server.Operations;

/// <summary><c>info</c>: the machine as the workspace sees it (for <c>GET /runtime</c>).</summary>
internal static class RuntimeInfoOperation
{
    private static readonly string[] Shells = ["/bin/bash", "/bin/sh", "/bin/ash"];

    public static System.Text.Json.JsonElement? Run(OperationContext context)
    {
        var info = new RuntimeInfo
        {
            Arch = RuntimeInformation.OSArchitecture == Architecture.X64 ? "x86_64" : RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant(),
            Cpus = Environment.ProcessorCount,
            Hostname = ReadTrimmed("/proc/sys/kernel/hostname") ?? Environment.MachineName,
            Kernel = ReadTrimmed("/proc/sys/kernel/osrelease") ?? "",
            Home = "/root",
            Shell = Shells.FirstOrDefault(File.Exists) ?? "/bin/sh",
            Agent = Connection.AgentName,
            ProtocolVersion = FrameCodec.Version,
            Capabilities = OperationTable.Names,
        };
        return OperationContext.Result(info, AgentJsonContext.Default.RuntimeInfo);
    }

    private static string? ReadTrimmed(string path)
    {
        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (IOException)
        {
            return null;
        }
    }
}
