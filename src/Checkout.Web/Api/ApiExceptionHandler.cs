using System.Text.Json;
using Checkout.Core.Common;
using Microsoft.AspNetCore.Diagnostics;

namespace Checkout.Web.Api;

/// <summary>
/// The last line for API requests: unreadable bodies become 400/413 problems with a code; anything
/// else unexpected is logged and answered as a 500 problem (a bug to fix, never a stack trace).
/// </summary>
public sealed class ApiExceptionHandler(IProblemDetailsService problems, ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        // By now the request path is the error page's; the feature keeps the one that failed.
        var path = httpContext.Features.Get<IExceptionHandlerPathFeature>()?.Path ?? httpContext.Request.Path;
        if (!path.StartsWith("/api/", StringComparison.Ordinal)) return false;

        var (status, code, detail) = exception switch
        {
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
                (413, "request_too_large", "The request body is larger than the 1 MB limit."),
            BadHttpRequestException { InnerException: JsonException json } =>
                (400, "invalid_json", $"The request body is not valid JSON for this endpoint: {json.Message}"),
            BadHttpRequestException bad => (bad.StatusCode, "invalid_request", bad.Message),
            DomainException domain => (ApiProblems.FromDomain(domain).StatusCode, domain.Code, domain.Message),
            _ => (500, "internal_error", "Something went wrong on our side."),
        };
        if (status >= 500) logger.LogError(exception, "Unhandled error on {Path}", path);

        httpContext.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = { Status = status, Detail = detail, Extensions = { ["code"] = code } },
        });
    }
}
