using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Checkout.Web.Security;

/// <summary>
/// A merchant sends the same access token with every call for up to an hour. The first call validates it in full
/// (signature, issuer, audience, lifetime); later calls with the identical token string reuse the principal it
/// produced until the token's lifetime ends on the app's clock. The key is the whole token, signature included, so
/// any other token, forged or altered ones too, is validated in full.
/// </summary>
public sealed class ValidatedBearerTokens(TimeProvider clock)
{
    // Far more than the merchants' live tokens; reaching it only means starting over.
    private const int MaxTokens = 10_000;
    private const string BearerPrefix = "Bearer ";

    private readonly ConcurrentDictionary<string, Validated> _tokens = new(StringComparer.Ordinal);

    private sealed record Validated(ClaimsPrincipal Principal, DateTimeOffset ValidUntil);

    /// <summary>Tokens remembered now (for diagnostics and tests).</summary>
    public int Count => _tokens.Count;

    /// <summary>Before validation: a remembered, unexpired token authenticates without being parsed again.</summary>
    public Task OnMessageReceivedAsync(MessageReceivedContext context)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        if (!authorization.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase)) return Task.CompletedTask;
        var token = authorization[BearerPrefix.Length..].Trim();
        if (!_tokens.TryGetValue(token, out var validated)) return Task.CompletedTask;
        if (clock.GetUtcNow() >= validated.ValidUntil)
        {
            _tokens.TryRemove(token, out _); // expired: full validation answers token_expired
            return Task.CompletedTask;
        }
        // A copy per request: the request may add to its principal; the remembered one stays as validated.
        context.Principal = validated.Principal.Clone();
        context.Success();
        return Task.CompletedTask;
    }

    /// <summary>After a full validation: remember the token until its expiry plus the allowed clock skew.</summary>
    public Task OnTokenValidatedAsync(TokenValidatedContext context)
    {
        if (context.SecurityToken is not JsonWebToken token || context.Principal is null || token.ValidTo == DateTime.MinValue)
            return Task.CompletedTask;
        if (_tokens.Count >= MaxTokens) _tokens.Clear();
        var validUntil = new DateTimeOffset(token.ValidTo, TimeSpan.Zero) + context.Options.TokenValidationParameters.ClockSkew;
        _tokens[token.EncodedToken] = new Validated(context.Principal.Clone(), validUntil);
        return Task.CompletedTask;
    }
}

public static class ValidatedBearerTokenRegistration
{
    /// <summary>Hooks <see cref="ValidatedBearerTokens"/> into the bearer scheme; call after AddJwtBearer has set its events.</summary>
    public static IServiceCollection AddValidatedBearerTokens(this IServiceCollection services)
    {
        services.AddSingleton<ValidatedBearerTokens>();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<ValidatedBearerTokens>((jwt, tokens) =>
            {
                jwt.Events.OnMessageReceived = tokens.OnMessageReceivedAsync;
                jwt.Events.OnTokenValidated = tokens.OnTokenValidatedAsync;
            });
        return services;
    }
}
