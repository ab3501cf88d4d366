using System.Net;
using System.Text;
using System.Text.Json;
using Hearth.Protocol.Errors;
using Hearth.Protocol.Json;

namespace Hearth.Sdk.Internal;

/// <summary>Turns an error response into the typed exception for its status.</summary>
internal static class ErrorMapper
{
    // An error envelope is a few hundred bytes; anything past this is a proxy's page, not ours.
    private const int MaxErrorBodyBytes = 64 * 1024;
    private const int MaxQuotedBodyChars = 200;

    public static async Task<HearthApiException> ToExceptionAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await ReadBoundedAsync(response.Content, cancellationToken).ConfigureAwait(false);
        var envelope = TryParse(body);
        var status = response.StatusCode;
        if (envelope is not null)
        {
            var code = string.IsNullOrEmpty(envelope.Error) ? CodeFor(status) : envelope.Error;
            var message = string.IsNullOrEmpty(envelope.Message) ? DescribeStatus(response) : envelope.Message;
            return Create(status, code, message, envelope.Errors, envelope.Available);
        }

        return Create(status, CodeFor(status), DescribeNonJson(response, body), errors: null, available: null);
    }

    public static HearthApiException Create(
        HttpStatusCode status,
        string code,
        string message,
        IReadOnlyList<FieldError>? errors,
        IReadOnlyList<string>? available) => status switch
        {
            HttpStatusCode.Unauthorized => new HearthAuthenticationException(message, code),
            HttpStatusCode.NotFound => new HearthNotFoundException(message, code),
            HttpStatusCode.Conflict => new HearthConflictException(message, code),
            HttpStatusCode.RequestEntityTooLarge => new HearthPayloadTooLargeException(message, code),
            HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity
                => new HearthValidationException(message, status, code, errors, available),
            _ => new HearthApiException(message, status, code, errors),
        };

    /// <summary>The code to report when the body carries none.</summary>
    internal static string CodeFor(HttpStatusCode status) => status switch
    {
        HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity => ErrorCodes.Validation,
        HttpStatusCode.Unauthorized => ErrorCodes.Unauthorized,
        HttpStatusCode.Forbidden => ErrorCodes.Forbidden,
        HttpStatusCode.NotFound => ErrorCodes.NotFound,
        HttpStatusCode.Conflict => ErrorCodes.Conflict,
        HttpStatusCode.RequestEntityTooLarge => ErrorCodes.PayloadTooLarge,
        HttpStatusCode.ServiceUnavailable or HttpStatusCode.BadGateway or HttpStatusCode.GatewayTimeout => ErrorCodes.Unavailable,
        >= HttpStatusCode.InternalServerError => ErrorCodes.Internal,
        _ => $"http_{(int)status}",
    };

    private static ErrorEnvelope? TryParse(string body)
    {
        if (body.Length == 0)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(body, HearthJsonContext.Default.ErrorEnvelope);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string DescribeStatus(HttpResponseMessage response) =>
        $"HTTP {(int)response.StatusCode} {response.ReasonPhrase ?? response.StatusCode.ToString()}".TrimEnd();

    private static string DescribeNonJson(HttpResponseMessage response, string body)
    {
        // A short plain-text body ("Bad Gateway", "upstream timed out") says more than the status alone;
        // an HTML page does not, and is left out.
        var text = body.Trim();
        var quotable = text.Length is > 0 and <= MaxQuotedBodyChars && !text.StartsWith('<') && !text.Any(char.IsControl);
        return quotable ? $"{DescribeStatus(response)}: {text}" : DescribeStatus(response);
    }

    private static async Task<string> ReadBoundedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        try
        {
            using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            var buffer = new byte[MaxErrorBodyBytes];
            var total = 0;
            int read;
            while (total < buffer.Length
                && (read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false)) > 0)
            {
                total += read;
            }

            return Encoding.UTF8.GetString(buffer, 0, total);
        }
        catch (HttpRequestException)
        {
            // The status already says what went wrong; a body cut short does not change it.
            return string.Empty;
        }
        catch (IOException)
        {
            return string.Empty;
        }
    }
}
