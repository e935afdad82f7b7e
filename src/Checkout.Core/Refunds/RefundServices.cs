using Checkout.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Checkout.Core.Refunds;

public static class RefundServices
{
    /// <summary>Registers refunds: the services the API uses and the background service that drives statuses.</summary>
    public static IServiceCollection AddCheckoutRefunds(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RefundOptions>().Bind(configuration.GetSection(RefundOptions.Section))
            .Validate(o => o.Problem() is null, $"{RefundOptions.Section} is invalid: Window, PollInterval and LeaseDuration must be positive, PassSize and BatchConcurrency at least 1.")
            .ValidateOnStart();
        // Orders are read with their refunds (AutoInclude) beside their payment attempts. Both are a handful
        // of rows, so one query is cheaper than splitting, and it reads the order and its refunds as one snapshot.
        services.ConfigureDbContext<CheckoutDbContext>(o => o.ConfigureWarnings(w => w.Ignore(RelationalEventId.MultipleCollectionIncludeWarning)));
        services.AddScoped<RefundService>();
        services.AddScoped<RefundBatch>();
        services.AddSingleton<RefundProcessingService>();
        services.AddHostedService(sp => sp.GetRequiredService<RefundProcessingService>());
        return services;
    }
}
