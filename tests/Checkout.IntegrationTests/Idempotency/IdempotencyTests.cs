using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Checkout.Core.Data;
using Checkout.IntegrationTests.Infrastructure;
using Checkout.Web.Idempotency;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Checkout.IntegrationTests.Idempotency;

[Collection(ApiCollection.Name)]
public class IdempotencyTests(AppFixture fixture)
{
    [Fact]
    public async Task Replay_ReturnsTheFirstStatusAndBody_AndCreatesNothingNew()
    {
        var merchant = await fixture.MerchantAsync();
        var key = NewKey();
        var order = Infrastructure.Orders.Valid(reference: key);

        using var first = await merchant.CreateOrderAsync(order, key);
        using var replay = await merchant.CreateOrderAsync(order, key);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await replay.Content.ReadAsStringAsync());
        Assert.Equal(first.Headers.Location, replay.Headers.Location);
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(1, await CountOrdersAsync(key));
    }

    [Fact]
    public async Task SameKey_WithADifferentBody_IsRefused()
    {
        var merchant = await fixture.MerchantAsync();
        var key = NewKey();
        using var first = await merchant.CreateOrderAsync(Infrastructure.Orders.Valid(amount: 100, reference: key), key);

        using var reused = await merchant.CreateOrderAsync(Infrastructure.Orders.Valid(amount: 200, reference: key), key);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.StatusCode);
        Assert.Equal("idempotency_key_reused", (await reused.Content.ReadFromJsonAsync<JsonObject>())!["code"]!.GetValue<string>());
        Assert.Equal(1, await CountOrdersAsync(key));
    }

    [Fact]
    public async Task SameKey_FromAnotherMerchant_IsIndependent()
    {
        var demo = await fixture.MerchantAsync();
        var key = NewKey();
        using var first = await demo.CreateOrderAsync(Infrastructure.Orders.Valid(reference: key), key);
        using var validationFailure = await demo.PostJsonAsync($"/api/v1/orders/ord_missing/cancel", "{}", key);

        // The same key on another endpoint is another request: refused as reuse, not replayed.
        Assert.Equal(HttpStatusCode.UnprocessableEntity, validationFailure.StatusCode);
    }

    [Fact]
    public async Task ConcurrentDuplicates_CreateExactlyOneOrder()
    {
        var merchant = await fixture.MerchantAsync();
        var key = NewKey();
        var body = Infrastructure.Orders.Valid(reference: key);

        var responses = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => merchant.CreateOrderAsync(body, key)));

        var created = responses.Where(r => r.StatusCode == HttpStatusCode.Created).ToList();
        var inUse = responses.Where(r => r.StatusCode == HttpStatusCode.Conflict).ToList();
        Assert.Equal(responses.Length, created.Count + inUse.Count);
        Assert.NotEmpty(created);
        var bodies = await Task.WhenAll(created.Select(r => r.Content.ReadAsStringAsync()));
        Assert.Single(bodies.Distinct());
        foreach (var conflict in inUse)
            Assert.Equal("idempotency_key_in_use", (await conflict.Content.ReadFromJsonAsync<JsonObject>())!["code"]!.GetValue<string>());
        Assert.Equal(1, await CountOrdersAsync(key));
        foreach (var response in responses) response.Dispose();
    }

    [Fact]
    public async Task ConcurrentDuplicates_OnOneServer_QueueAndReplayTheFirstAnswer()
    {
        var merchant = await fixture.MerchantAsync();
        var key = NewKey();
        var body = Infrastructure.Orders.Valid(reference: key);

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => merchant.CreateOrderAsync(body, key)));

        // The claim commits with the order, so a duplicate waits for it instead of seeing a half-done claim.
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        Assert.Equal(responses.Length - 1, responses.Count(r => r.Headers.Contains("Idempotent-Replayed")));
        Assert.Single((await Task.WhenAll(responses.Select(r => r.Content.ReadAsStringAsync()))).Distinct());
        foreach (var response in responses) response.Dispose();
    }

    [Fact]
    public async Task ConcurrentUses_WithDifferentBodies_CreateOneOrder_AndRefuseTheRest()
    {
        var merchant = await fixture.MerchantAsync();
        var key = NewKey();

        // Racing requests land in one group commit; the first keeps the key, the others lose on it and are refused.
        var responses = await Task.WhenAll(Enumerable.Range(1, 8).Select(i =>
            merchant.CreateOrderAsync(Infrastructure.Orders.Valid(amount: 100 * i, reference: key), key)));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
            Assert.Equal("idempotency_key_reused", (await refused.Content.ReadFromJsonAsync<JsonObject>())!["code"]!.GetValue<string>());
        }
        Assert.Equal(1, await CountOrdersAsync(key));
        foreach (var response in responses) response.Dispose();
    }

    [Fact]
    public async Task RefusedRequests_AreStoredAndReplayedToo()
    {
        var merchant = await fixture.MerchantAsync();
        var id = (await merchant.CreateOrderOkAsync())["id"]!.GetValue<string>();
        using var _ = await merchant.PostJsonAsync($"/api/v1/orders/{id}/cancel", "{}");
        var key = NewKey();

        using var first = await merchant.PostJsonAsync($"/api/v1/orders/{id}/cancel", "{}", key);
        using var replay = await merchant.PostJsonAsync($"/api/v1/orders/{id}/cancel", "{}", key);

        Assert.Equal(HttpStatusCode.Conflict, first.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, replay.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await replay.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData(256)]
    public async Task KeyLongerThan255_IsRefused(int length)
    {
        var merchant = await fixture.MerchantAsync();
        using var response = await merchant.CreateOrderAsync(Infrastructure.Orders.Valid(), new string('k', length));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("idempotency_key_invalid", (await response.Content.ReadFromJsonAsync<JsonObject>())!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task KeyOf255Characters_IsAccepted()
    {
        var merchant = await fixture.MerchantAsync();
        using var response = await merchant.CreateOrderAsync(Infrastructure.Orders.Valid(), NewKey() + new string('k', 255 - 36));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    private async Task<int> CountOrdersAsync(string reference)
    {
        await using var scope = fixture.App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CheckoutDbContext>().Orders.CountAsync(o => o.Reference == reference);
    }

    private static string NewKey() => "key-" + Guid.NewGuid().ToString("N");
}

public class IdempotencyRetentionTests
{
    [Fact]
    public async Task Keys_ArePruned_After24Hours_AndCanThenBeUsedAgain()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = new CheckoutApp(clock: clock);
        var merchant = new MerchantClient(app.CreateHttpClient());
        await merchant.AuthenticateAsync();
        var pruner = app.Services.GetServices<IHostedService>().OfType<IdempotencyPruner>().Single();
        using var first = await merchant.CreateOrderAsync(Infrastructure.Orders.Valid(amount: 100), "k1");

        // The pruner's own timer may fire as the clock moves; either way the key must be kept, then gone.
        clock.Advance(TimeSpan.FromHours(23));
        await pruner.PruneAsync(CancellationToken.None);
        Assert.True(await KeyExistsAsync(app, "k1"));
        clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        await pruner.PruneAsync(CancellationToken.None);
        Assert.False(await KeyExistsAsync(app, "k1"));

        await merchant.AuthenticateAsync();
        using var again = await merchant.CreateOrderAsync(Infrastructure.Orders.Valid(amount: 200), "k1");
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        CheckoutApp.DeleteDatabase(app.DatabasePath);
    }

    private static async Task<bool> KeyExistsAsync(CheckoutApp app, string key)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CheckoutDbContext>().IdempotencyRecords.AnyAsync(r => r.Key == key);
    }
}
