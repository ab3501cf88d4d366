namespace Hearth.Sdk.Tests.Fakes;

/// <summary>
/// Bodies written as the server sends them, by hand rather than through the SDK's serializer, so a
/// naming mistake on either side shows up.
/// </summary>
internal static class WireSamples
{
    public const string CreatedAt = "2025-06-01T12:00:00Z";

    public static string Workspace(string id = "ws_abc123", string status = "running", string name = "agent-1") => $$"""
        {
          "id": "{{id}}",
          "name": "{{name}}",
          "slug": "agent-1",
          "image": "node-20",
          "mode": "temporary",
          "status": "{{status}}",
          "info": { "status": "{{status}}", "is_running": true, "user_requested_stop": false, "ready": true, "internal_ip": "10.88.0.2", "oom_kills": 0 },
          "ready": true,
          "provisioning": { "state": "ready", "phase": "created" },
          "resources": { "cpus": 2, "memory_mb": 2048, "disk_size_mb": 10240 },
          "lifecycle": { "mode": "temporary", "ttl": "30m", "ttl_seconds": 1800, "pause_supported": true, "created_at": "{{CreatedAt}}" },
          "config": { "cpus": 2, "memory_mb": 2048, "env": { "A": "1" }, "cmd": ["sleep", "infinity"], "future_field": 7 },
          "network": { "ip": "10.88.0.2" },
          "metadata": { "team": "infra" },
          "created_at": "{{CreatedAt}}",
          "updated_at": "{{CreatedAt}}"
        }
        """;

    public static string WorkspaceResponse(string id = "ws_abc123", string status = "running") =>
        $$"""{ "success": true, "workspace": {{Workspace(id, status)}} }""";

    public static string List(int total, params string[] workspaces) =>
        $$"""{ "success": true, "workspaces": [{{string.Join(",", workspaces)}}], "total": {{total}}, "page": 1, "limit": 20 }""";

    public const string Resources = """
        { "success": true, "resources": { "cpus": 4, "memory_mb": 4096, "disk_size_mb": 10240, "pending_disk_size_mb": 20480 }, "applied_live": ["cpus"] }
        """;

    public const string Network = """
        { "success": true, "ip": "10.88.0.3", "gateway": "10.88.0.1", "public_access": false, "allow_internet": false,
          "ingress": ["10.88.0.2"], "ingress_ports": [5432], "egress": ["api.openai.com", "10.88.0.2"], "egress_ports": [],
          "outbound_ip": null, "outbound_mode": "managed", "outbound_proxy": null,
          "private_links": [{ "workspace_id": "ws_agent00001", "name": "agent", "ip": "10.88.0.2" }] }
        """;

    public const string Images = """
        { "success": true,
          "images": [{ "id": "node-20", "label": "Node 20", "category": "lang", "image": "hearth/node:20", "software": ["node"], "minimum_memory_mb": 256, "status": "ready" }],
          "categories": [{ "id": "lang", "label": "Languages" }] }
        """;

    public const string Quota = """
        { "success": true, "plan": "self-hosted", "plan_label": "Self-hosted", "max_workspaces": null, "current_workspaces": 1,
          "limits": { "cpus": 8, "memory_mb": 16384, "disk_size_mb": 200000 },
          "pool_usage": { "count": 1, "cpus": 2, "memory_mb": 2048, "disk_size_mb": 10240 },
          "running_pool_usage": { "count": 1, "cpus": 2, "memory_mb": 2048, "disk_size_mb": 10240 },
          "can_create": true }
        """;

    public const string Health = """{ "success": true, "status": "ok", "version": "0.1.0" }""";

    public const string Success = """{ "success": true, "message": "Workspace deleted" }""";

    public static string Error(string code, string message) =>
        $$"""{ "success": false, "error": "{{code}}", "message": "{{message}}" }""";
}
