using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Checkout.Core.Refunds;

public static class RefundServices
{
    /// <summary>Registers refunds: the services the API uses and the background service that drives statuses.</summary>
    public static IServiceCollection AddCheckoutRefunds(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RefundOptions>().Bind(configuration.GetSection(RefundOptions.Section))
            .Validate(o => o.Problem() is null, $"{RefundOptions.Section} is invalid: Window, PollInterval and LeaseDuration must be positive, PassSize and BatchConcurrency at least 1.")
            .ValidateOnStart();
        services.AddScoped<RefundService>();
        services.AddScoped<RefundBatch>();
        services.AddSingleton<RefundProcessingService>();
        services.AddHostedService(sp => sp.GetRequiredService<RefundProcessingService>());
        return services;
    }
}
