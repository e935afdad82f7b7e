using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;

namespace Checkout.Web.Security;

/// <summary>A missing, expired or forged bearer token gets a 401 problem with a code, like every other API error.</summary>
public static class BearerChallenge
{
    public static async Task WriteProblemAsync(JwtBearerChallengeContext context)
    {
        context.HandleResponse();
        var expired = context.AuthenticateFailure is SecurityTokenExpiredException or SecurityTokenInvalidLifetimeException;
        var (code, detail) = context.AuthenticateFailure is null
            ? ("missing_token", "Send an access token from /api/v1/oauth/token/ as 'Authorization: Bearer …'.")
            : expired ? ("token_expired", "The access token has expired; request a new one.")
            : ("invalid_token", "The access token is not valid.");
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = $"Bearer error=\"invalid_token\"";
        var problems = context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context.HttpContext,
            ProblemDetails = { Status = 401, Title = "Unauthorized", Detail = detail, Extensions = { ["code"] = code } },
        });
    }
}
