using Checkout.Core.Payments.Processors;
using Checkout.Core.Payments.Sandbox;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Checkout.Core.Payments;

public static class PaymentServices
{
    /// <summary>Registers the order service and the processors behind its seam.</summary>
    public static IServiceCollection AddCheckoutPayments(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<PaymentOptions>(configuration.GetSection(PaymentOptions.Section));
        services.Configure<SandboxProcessorOptions>(configuration.GetSection(SandboxProcessorOptions.Section));
        services.AddScoped<IPaymentProcessor, WalletProcessor>();
        services.AddSingleton<SandboxCardProcessor>();
        services.AddSingleton<IPaymentProcessor>(sp => sp.GetRequiredService<SandboxCardProcessor>());
        services.AddSingleton<ICardTokenizer>(sp => sp.GetRequiredService<SandboxCardProcessor>());
        services.AddScoped<OrderPayments>();
        services.AddHostedService<PaymentReconciler>();
        return services;
    }
}
