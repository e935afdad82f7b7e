using Checkout.Web.Accounts;
using Checkout.Web.Components.Pages.Pay;
using Microsoft.AspNetCore.Mvc;

namespace Checkout.Web.Components;

/// <summary>Registration and routing of the hosted pages.</summary>
public static class CheckoutPages
{
    public static IServiceCollection AddCheckoutPages(this IServiceCollection services)
    {
        services.AddScoped<ShopperSignIn>();
        services.AddScoped<ApprovePageOrders>();
        return services;
    }

    public static WebApplication MapCheckoutPages(this WebApplication app)
    {
        // The framework would add its own CSP (frame-ancestors 'self'); ours already says 'none'.
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode(o => o.ContentSecurityFrameAncestorsPolicy = null);

        // A form post, not a link: [FromForm] makes the antiforgery middleware check the token.
        app.MapPost("/account/logout", async (HttpContext http, [FromForm] string? returnUrl) =>
        {
            await ShopperSignIn.SignOutAsync(http);
            return TypedResults.LocalRedirect(ReturnUrl.Local(returnUrl));
        });
        return app;
    }
}
