using Checkout.Core.Callbacks;
using Checkout.Core.Common;
using Checkout.Core.Orders;
using Checkout.Core.Payments;
using Checkout.Web.Accounts;
using Checkout.Web.Api;
using Checkout.Web.Components;
using Checkout.Web.Idempotency;
using Checkout.Web.Sandbox;
using Checkout.Web.Security;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using MudBlazor.Services;

namespace Checkout.Web.Hosting;

/// <summary>Everything the host registers, in one place (eShop's AddApplicationServices).</summary>
public static class CheckoutServices
{
    public const string MerchantApiPolicy = "merchant-api";
    public const long MaxRequestBodyBytes = 1024 * 1024;

    public static WebApplicationBuilder AddCheckout(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;

        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes);
        services.AddSingleton(TimeProvider.System);

        services.Configure<SandboxOptions>(configuration.GetSection(SandboxOptions.Section));
        services.PostConfigure<SandboxOptions>(o =>
        {
            // On by default for a local (Development) run; Production only when set explicitly.
            if (configuration[$"{SandboxOptions.Section}:Enabled"] is null) o.Enabled = builder.Environment.IsDevelopment();
        });
        services.Configure<TokenOptions>(configuration.GetSection(TokenOptions.Section));
        services.Configure<AccountOptions>(configuration.GetSection(AccountOptions.Section));
        services.Configure<OrderOptions>(configuration.GetSection(OrderOptions.Section));
        services.Configure<PublicUrlOptions>(configuration.GetSection(PublicUrlOptions.Section));

        builder.AddCheckoutData();
        services.AddScoped<SandboxSeeder>();
        services.AddSingleton<ShopperPasswords>();

        // Orders and payments
        services.AddCheckoutPayments(configuration);
        services.AddHostedService<OrderExpiryService>();
        Core.Refunds.RefundServices.AddCheckoutRefunds(services, configuration);

        // Callbacks
        services.AddCheckoutCallbacks(configuration);
        services.AddOptions<CallbackOptions>().PostConfigure<IOptions<SandboxOptions>>((o, sandbox) =>
        {
            // Private-network callbacks follow the sandbox switch unless configured explicitly.
            if (configuration[$"{CallbackOptions.Section}:AllowPrivateNetworks"] is null) o.AllowPrivateNetworks = sandbox.Value.Enabled;
        });

        // Merchant API
        services.AddHttpContextAccessor();
        services.AddScoped<OrderLinks>();
        services.AddScoped<IdempotencyFilter>();
        services.AddHostedService<IdempotencyPruner>();
        services.Configure<IdempotencyOptions>(configuration.GetSection(IdempotencyOptions.Section));
        services.ConfigureHttpJsonOptions(o => CheckoutJson.Configure(o.SerializerOptions));
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddProblemDetails();
        services.AddExceptionHandler<ApiExceptionHandler>();

        // Authentication: shoppers by cookie, merchants by bearer token.
        services.AddSingleton<TokenSigningKey>();
        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(CookieAuthenticationDefaults.AuthenticationScheme, cookie =>
            {
                cookie.LoginPath = "/account/login";
                cookie.LogoutPath = "/account/logout";
                cookie.AccessDeniedPath = "/account/login";
                cookie.ReturnUrlParameter = "returnUrl";
                cookie.Cookie.Name = "checkout_shopper";
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Lax;
                cookie.SlidingExpiration = true;
                cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
            })
            .AddJwtBearer(JwtBearerDefaults.AuthenticationScheme, jwt =>
            {
                jwt.MapInboundClaims = false;
                jwt.Events = new JwtBearerEvents { OnChallenge = BearerChallenge.WriteProblemAsync };
            });
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<TokenSigningKey, IOptions<TokenOptions>, TimeProvider>((jwt, key, tokens, clock) =>
            {
                jwt.TimeProvider = clock;
                jwt.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = tokens.Value.Issuer,
                    ValidAudience = tokens.Value.Issuer,
                    // Resolved on first use, then cached by the singleton: no key loading per request.
                    IssuerSigningKeyResolver = (_, _, _, _) => [key.Key],
                    ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                    ClockSkew = TimeSpan.FromSeconds(30),
                    // Expiry is judged by the app's TimeProvider, the same clock that issued the token.
                    LifetimeValidator = (notBefore, expires, _, parameters) =>
                    {
                        var now = clock.GetUtcNow().UtcDateTime;
                        return (notBefore is null || now >= notBefore.Value - parameters.ClockSkew)
                            && expires is not null && now < expires.Value + parameters.ClockSkew;
                    },
                };
            });
        services.AddValidatedBearerTokens();
        services.AddAuthorizationBuilder()
            .AddPolicy(MerchantApiPolicy, policy => policy
                .AddAuthenticationSchemes(JwtBearerDefaults.AuthenticationScheme)
                .RequireAuthenticatedUser()
                .RequireClaim("scope", OAuthApi.Scope));

        services.AddSingleton<DatabaseXmlRepository>();
        services.AddDataProtection().SetApplicationName("checkout");
        services.AddOptions<KeyManagementOptions>()
            .Configure<DatabaseXmlRepository>((o, repository) => o.XmlRepository = repository);

        // Pages
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddCascadingAuthenticationState();
        services.AddMudServices();
        services.AddCheckoutPages();
        services.AddAntiforgery();
        return builder;
    }
}
