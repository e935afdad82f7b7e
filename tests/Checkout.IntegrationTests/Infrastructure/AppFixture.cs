namespace Checkout.IntegrationTests.Infrastructure;

/// <summary>One shared app per test collection; tests create their own orders so they do not interfere.</summary>
public sealed class AppFixture : IAsyncLifetime
{
    public CheckoutApp App { get; } = new();

    public async Task<MerchantClient> MerchantAsync(string clientId = "demo_merchant", string clientSecret = "demo_secret")
    {
        var client = new MerchantClient(App.CreateHttpClient(), clientId, clientSecret);
        await client.AuthenticateAsync();
        return client;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        CheckoutApp.DeleteDatabase(App.DatabasePath);
    }
}

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<AppFixture>
{
    public const string Name = "api";
}
