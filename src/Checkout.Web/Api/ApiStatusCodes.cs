using Microsoft.AspNetCore.Diagnostics;

namespace Checkout.Web.Api;

/// <summary>Bodiless API errors from routing (unknown path, wrong method) still answer problem+json with a code.</summary>
public static class ApiStatusCodes
{
    public static async Task WriteProblemAsync(StatusCodeContext context)
    {
        var http = context.HttpContext;
        var status = http.Response.StatusCode;
        var code = status switch
        {
            404 => "not_found",
            405 => "method_not_allowed",
            413 => "request_too_large",
            415 => "unsupported_media_type",
            _ => "http_" + status,
        };
        var problems = http.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = { Status = status, Detail = $"{http.Request.Method} {http.Request.Path} cannot be served.", Extensions = { ["code"] = code } },
        });
    }
}
