namespace Checkout.Web.Components;

/// <summary>Registration and routing of the hosted pages.</summary>
public static class CheckoutPages
{
    public static IServiceCollection AddCheckoutPages(this IServiceCollection services) => services;

    public static WebApplication MapCheckoutPages(this WebApplication app)
    {
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
