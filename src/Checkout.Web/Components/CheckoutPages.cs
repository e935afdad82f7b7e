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
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode(o =>
        {
            // The framework would add its own CSP (frame-ancestors 'self'); ours already says 'none'.
            o.ContentSecurityFrameAncestorsPolicy = null;
            // Per-message deflate keeps a zlib compressor and decompressor (a few hundred KB of native memory)
            // for every open tab, to shrink render batches that are a few hundred bytes here.
            o.DisableWebSocketCompression = true;
        });

        // A form post, not a link: [FromForm] makes the antiforgery middleware check the token.
        app.MapPost("/account/logout", async (HttpContext http, [FromForm] string? returnUrl) =>
        {
            await ShopperSignIn.SignOutAsync(http);
            return TypedResults.LocalRedirect(ReturnUrl.Local(returnUrl));
        });
        return app;
    }
}
