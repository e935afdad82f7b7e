using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using Checkout.Core.Data;
using Checkout.Web.Hosting;
using Checkout.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Checkout.Web.Api;

/// <summary>RFC 6749 §4.4 client credentials: a merchant trades its client id and secret for a bearer token.</summary>
public static class OAuthApi
{
    public const string Scope = "checkout";

    public static IEndpointRouteBuilder MapOAuthApiV1(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/oauth").DisableAntiforgery().AllowAnonymous();
        // Routing ignores a trailing slash, so this serves the seed's "/token/" and "/token" alike.
        group.MapPost("/token", IssueTokenAsync);
        return app;
    }

    public sealed record TokenResponse(string AccessToken, string TokenType, int ExpiresIn, string Scope);

    public sealed record TokenError(string Error, string ErrorDescription);

    private static async Task<Results<Ok<TokenResponse>, JsonHttpResult<TokenError>>> IssueTokenAsync(
        HttpContext http, CheckoutDbContext db, TokenSigningKey signingKey, IOptions<TokenOptions> options, TimeProvider clock)
    {
        // RFC 6749 §5.1: token responses must never be cached.
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers.Pragma = "no-cache";

        if (!http.Request.HasFormContentType)
            return Error(400, "invalid_request", "The body must be application/x-www-form-urlencoded.");
        var form = await http.Request.ReadFormAsync(http.RequestAborted);

        var grantType = form["grant_type"].ToString();
        if (grantType.Length == 0) return Error(400, "invalid_request", "grant_type is required.");
        if (grantType != "client_credentials")
            return Error(400, "unsupported_grant_type", "Only grant_type=client_credentials is supported.");

        var usedBasic = TryReadBasic(http.Request, out var basicId, out var basicSecret);
        var formId = form["client_id"].ToString();
        var formSecret = form["client_secret"].ToString();
        if (usedBasic && (formId.Length > 0 || formSecret.Length > 0))
            return Error(400, "invalid_request", "Use one client authentication method, not both.");
        var (clientId, clientSecret) = usedBasic ? (basicId, basicSecret) : (formId, formSecret);

        var requestedScope = form["scope"].ToString();
        if (requestedScope.Length > 0 && requestedScope.Split(' ', StringSplitOptions.RemoveEmptyEntries).Any(s => s != Scope))
            return Error(400, "invalid_scope", $"The only scope is '{Scope}'.");

        var merchant = clientId.Length == 0 ? null : await db.Merchants.AsNoTracking().SingleOrDefaultAsync(m => m.Id == clientId, http.RequestAborted);
        if (merchant is null || !merchant.HasClientSecret(clientSecret))
        {
            if (usedBasic) http.Response.Headers.WWWAuthenticate = "Basic realm=\"checkout\"";
            return Error(401, "invalid_client", "Client authentication failed.");
        }

        var lifetime = options.Value.Lifetime;
        var now = clock.GetUtcNow().UtcDateTime;
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.Value.Issuer,
            Audience = options.Value.Issuer,
            Subject = new ClaimsIdentity([new Claim(JwtRegisteredClaimNames.Sub, merchant.Id), new Claim("scope", Scope)]),
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            SigningCredentials = new SigningCredentials(signingKey.Key, SecurityAlgorithms.HmacSha256),
        });
        return TypedResults.Ok(new TokenResponse(token, "Bearer", (int)lifetime.TotalSeconds, Scope));
    }

    private static JsonHttpResult<TokenError> Error(int status, string error, string description) =>
        TypedResults.Json(new TokenError(error, description), statusCode: status);

    /// <summary>RFC 6749 §2.3.1: Basic credentials are form-url-encoded before base64.</summary>
    private static bool TryReadBasic(HttpRequest request, out string clientId, out string clientSecret)
    {
        clientId = clientSecret = "";
        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var header)
            || !string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase) || header.Parameter is null)
            return false;
        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter));
            var colon = decoded.IndexOf(':');
            if (colon < 0) return true; // Basic was used, but malformed: authentication fails.
            clientId = Uri.UnescapeDataString(decoded[..colon].Replace('+', ' '));
            clientSecret = Uri.UnescapeDataString(decoded[(colon + 1)..].Replace('+', ' '));
        }
        catch (FormatException)
        {
            // Not base64: treated as failed client authentication.
        }
        return true;
    }
}
