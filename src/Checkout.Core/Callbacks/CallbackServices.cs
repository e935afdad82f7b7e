using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Checkout.Core.Callbacks;

public static class CallbackServices
{
    /// <summary>Registers the outbox dispatcher and what it needs.</summary>
    public static IServiceCollection AddCheckoutCallbacks(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CallbackOptions>().Bind(configuration.GetSection(CallbackOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<CallbackOptions>, CallbackOptionsValidator>();

        services.AddSingleton<CallbackSignal>();
        services.AddSingleton<CallbackHandOff>();
        // Added to the DbContext by the host (AddInterceptors) so committed deliveries reach the dispatcher.
        services.AddSingleton<CallbackCommitInterceptor>();
        services.AddSingleton<CallbackSender>();
        services.AddSingleton<Merchants.MerchantDirectory>();
        services.AddHttpClient(CallbackSender.HttpClientName, (provider, client) =>
                client.Timeout = provider.GetRequiredService<IOptions<CallbackOptions>>().Value.Timeout)
            .ConfigurePrimaryHttpMessageHandler(provider =>
                PrivateNetworkGuard.CreateHandler(provider.GetRequiredService<IOptions<CallbackOptions>>().Value.AllowPrivateNetworks));
        services.AddHostedService<CallbackDispatcher>();
        return services;
    }

    private sealed class CallbackOptionsValidator : IValidateOptions<CallbackOptions>
    {
        public ValidateOptionsResult Validate(string? name, CallbackOptions options) =>
            options.Problem() is { } problem ? ValidateOptionsResult.Fail($"{CallbackOptions.Section}: {problem}") : ValidateOptionsResult.Success;
    }
}
