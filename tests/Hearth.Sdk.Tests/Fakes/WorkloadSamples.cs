namespace Hearth.Sdk.Tests.Fakes;

/// <summary>
/// Workload, log and stats bodies written as docs/design/workloads.md says hearthd sends them, by
/// hand rather than through the SDK's serializer, so a naming mistake on either side shows up.
/// </summary>
internal static class WorkloadSamples
{
    public static string Workload(string id = "wl_abc1234567", string name = "api", string status = "running", int? pid = 42) => $$"""
        {
          "id": "{{id}}", "name": "{{name}}",
          "cmd": ["node", "server.js"], "command": ["node", "server.js"],
          "env": { "PORT": "8080" }, "working_dir": "/app", "user": "node",
          "restart_policy": "always", "max_restarts": 10, "restart_delay": 1, "restart_backoff": true,
          "auto_start": true, "enabled": true, "keep_logs": true, "max_log_size_mb": 10, "log_retention_hours": 0,
          "origin": "api", "status": "{{status}}", "state": "{{status}}",
          "pid": {{(pid is null ? "null" : pid.ToString())}}, "guest_pid": {{(pid is null ? "null" : pid.ToString())}},
          "restart_count": 2, "error": null,
          "created_at": "2026-11-29T18:00:00Z", "updated_at": "2026-11-29T18:00:01Z", "started_at": "2026-11-29T18:00:02Z",
          "uptime_seconds": 12.5, "future_field": true
        }
        """;

    public static string Response(string? workload = null) => $$"""{ "success": true, "workload": {{workload ?? Workload()}} }""";

    public static string Stats(string id = "wl_abc1234567", string name = "api", double cpu = 12.5) => $$"""
        { "id": "{{id}}", "workload_id": "{{id}}", "name": "{{name}}", "status": "running", "state": "running", "pid": 42,
          "cpu_percent": {{cpu.ToString(System.Globalization.CultureInfo.InvariantCulture)}}, "cpu_usage": 12.5, "rss_bytes": 10485760, "memory_usage": 10485760, "memory_mb": 10,
          "processes": 3, "uptime_seconds": 60, "restart_count": 1, "timestamp": "2026-11-29T18:01:00Z" }
        """;

    public const string Logs = """
        { "success": true,
          "logs": "[2026-11-29T18:00:00.123Z] stdout: hello\n[2026-11-29T18:00:00.500Z] stderr: oops\n",
          "entries": [
            { "timestamp": "2026-11-29T18:00:00.123Z", "stream": "stdout", "line": "hello", "cursor": 0 },
            { "timestamp": "2026-11-29T18:00:00.500Z", "stream": "stderr", "line": "oops", "cursor": 33 }
          ],
          "cursor": 65 }
        """;

    public const string WorkspaceStats = """
        { "status": "running", "cpuUsage": 25.5, "memoryUsage": 40, "memoryUsedMB": 819.2, "memoryTotalMB": 2048,
          "guestMemoryUsed": 858993459, "guestMemoryTotal": 2147483648, "guestDiskUsed": 1073741824, "guestDiskTotal": 10737418240,
          "networkIn": "1.5 MB", "networkOut": "200 KB", "networkInBytes": 1572864, "networkOutBytes": 204800,
          "uptime": 3600, "apiCalls": 17, "cpu_usage": 25.5, "memory_usage": 40, "disk_usage": 10,
          "network": { "rx": 1572864, "tx": 204800 }, "timestamp": "2026-11-29T18:02:00Z" }
        """;

    /// <summary>One log line event as the server writes it: the id is the cursor after the line.</summary>
    public static string LineEvent(string line, long cursor, long next, string stream = "stdout") =>
        $"id: {next}\ndata: {{\"line\":\"{line}\",\"data\":\"{line}\",\"message\":\"{line}\",\"stream\":\"{stream}\",\"timestamp\":\"2026-11-29T18:00:01.000Z\",\"cursor\":{cursor}}}\n\n";
}
