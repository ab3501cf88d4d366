using Hearth.Protocol.Errors;
using Hearth.Runtime;
using Hearth.Server.Api;

namespace Hearth.Server.Images;

/// <summary>How a failed build, import or pull reaches the client.</summary>
internal static class ImageErrors
{
    /// <summary>The client's input was wrong: an unknown reference, a corrupt archive, an unsafe layer, a digest that does not match.</summary>
    private static readonly HashSet<string> ClientErrors = [ErrorCodes.InvalidImage, "invalid_archive", "invalid_layer", "digest_mismatch"];

    /// <summary>The registry's trouble, not Hearth's and not the request's.</summary>
    private static readonly HashSet<string> RegistryErrors = ["registry_unreachable", "registry_auth_failed"];

    public static (int Status, string Code) Classify(Exception e) => e switch
    {
        ApiException api => (api.Status, api.Code),
        RuntimeException r when ClientErrors.Contains(r.Code) => (400, r.Code),
        RuntimeException r when RegistryErrors.Contains(r.Code) => (502, r.Code),
        RuntimeException { Code: "image_busy" } => (409, "image_busy"),
        _ => (500, "image_build_failed"),
    };

    public static ApiException ToApi(Exception e)
    {
        if (e is ApiException api) return api;
        var (status, code) = Classify(e);
        return new ApiException(status, code, e.Message)
        {
            Errors = status == 400 ? [new FieldError { Field = "image", Message = e.Message }] : null,
        };
    }
}
