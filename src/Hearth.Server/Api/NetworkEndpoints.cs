using Hearth.Server.Network;
using Hearth.Server.Validation;
using Hearth.Server.Workspaces;

namespace Hearth.Server.Api;

/// <summary><c>/workspace/:id/network</c>: the address and the firewall; a PATCH applies to new connections at once.</summary>
internal static class NetworkEndpoints
{
    public static void MapNetworkEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/workspace/{id}/network", (string id, WorkspaceService workspaces, NetworkService network) =>
            Reply.Json(network.Describe(workspaces.Get(id))));

        foreach (var verb in new[] { "PATCH", "PUT" })
        {
            app.MapMethods("/workspace/{id}/network", [verb], async (string id, HttpContext context, WorkspaceService workspaces, NetworkService network) =>
            {
                var body = await JsonBody.ReadObjectAsync(context.Request, required: true);
                var reader = new FieldReader();
                var input = NetworkRulesParser.Read(reader, body, "");
                // Outbound traffic always leaves with the host's address; a custom proxy is not offered.
                if (reader.OneOf(body, "outbound_mode", "outbound_mode", "managed", "custom") == "custom")
                    reader.Add("outbound_mode", "custom outbound proxies are not supported by Hearth; use \"managed\"");
                if (reader.Errors.Count > 0) throw ApiException.Invalid(reader.Errors);
                var updated = await workspaces.UpdateNetworkAsync(id, input);
                return Reply.Json(network.Describe(updated, "network updated; new connections follow the new rules"));
            });
        }
    }
}
