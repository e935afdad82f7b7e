using Checkout.Web.Api;
using Checkout.Web.Components;
using Checkout.Web.Idempotency;
using Checkout.Web.Security;

namespace Checkout.Web.Hosting;

/// <summary>The request pipeline and the endpoint table.</summary>
public static class CheckoutPipeline
{
    public static WebApplication UseCheckout(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandlingPath = "/error",
            CreateScopeForErrors = true,
            // API errors are answered by ApiExceptionHandler; pages fall through to the error page.
        });
        if (!app.Environment.IsDevelopment()) app.UseHsts();
        app.UseCheckoutSecurityHeaders();
        app.UseWhen(c => c.Request.Path.StartsWithSegments("/api"),
            api => api.UseStatusCodePages(ApiStatusCodes.WriteProblemAsync));
        app.UseWhen(c => !c.Request.Path.StartsWithSegments("/api"),
            pages => pages.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true));
        app.UseIdempotencyBuffering();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        return app;
    }

    public static WebApplication MapCheckout(this WebApplication app)
    {
        app.MapStaticAssets();
        app.MapOAuthApiV1();
        var api = app.MapGroup("/api/v1")
            .RequireAuthorization(CheckoutServices.MerchantApiPolicy)
            .DisableAntiforgery()
            .AddEndpointFilter<DomainErrorFilter>();
        api.MapOrdersApiV1();
        api.MapRefundsApiV1();
        api.MapEventsApiV1();
        app.MapCheckoutPages();
        return app;
    }
}
