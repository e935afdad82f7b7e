using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Checkout.Core.Data;
using Checkout.Core.Merchants;
using Checkout.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Checkout.IntegrationTests.Callbacks;

public sealed class EventsApiTests(CallbackAppFixture fixture) : IClassFixture<CallbackAppFixture>
{
    /// <summary>Pays an order calling back to <paramref name="receiver"/>; returns the event once its delivery is <paramref name="settledStatus"/>.</summary>
    private async Task<(MerchantClient Merchant, string OrderId, string EventId, JsonObject Event)> PaidOrderAsync(CallbackReceiver receiver, string settledStatus)
    {
        var merchant = await fixture.MerchantAsync();
        var orderId = await merchant.CreateOrderWithCallbackAsync(receiver.Url);
        await fixture.App.PayAsync(orderId);
        var eventId = (await receiver.WaitForAsync(1))[0].Header("Checkout-Event-Id");
        var settled = await Eventually.GetAsync(async () =>
        {
            var body = await GetEventAsync(merchant, eventId);
            return body["deliveries"]![0]!["status"]!.GetValue<string>() == settledStatus ? body : null;
        }, what: $"the delivery to be {settledStatus}");
        return (merchant, orderId, eventId, settled);
    }

    private static async Task<JsonObject> GetEventAsync(MerchantClient merchant, string eventId)
    {
        using var response = await merchant.Http.GetAsync($"/api/v1/events/{eventId}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    [Fact]
    public async Task GetEvent_ReturnsTheEventWithItsDeliveriesAndEveryAttempt()
    {
        await using var receiver = await CallbackReceiver.StartAsync(script: [500]);

        var (_, orderId, eventId, body) = await PaidOrderAsync(receiver, "succeeded");

        Assert.Equal(eventId, body["id"]!.GetValue<string>());
        Assert.Equal("event", body["object"]!.GetValue<string>());
        Assert.Equal("order.succeeded", body["type"]!.GetValue<string>());
        Assert.NotNull(body["created_at"]);
        Assert.Equal(orderId, body["data"]!["object"]!["id"]!.GetValue<string>());
        var delivery = Assert.Single(body["deliveries"]!.AsArray())!;
        Assert.StartsWith("dlv_", delivery["id"]!.GetValue<string>());
        Assert.Equal(receiver.Url, delivery["url"]!.GetValue<string>());
        Assert.Equal(2, delivery["attempt_count"]!.GetValue<int>());
        Assert.Null(delivery["next_attempt_at"]);
        Assert.NotNull(delivery["completed_at"]);
        var attempts = delivery["attempts"]!.AsArray();
        Assert.Equal([1, 2], attempts.Select(a => a!["number"]!.GetValue<int>()));
        Assert.Equal([500, 200], attempts.Select(a => a!["status_code"]!.GetValue<int>()));
        Assert.All(attempts, a =>
        {
            Assert.True(a!["duration_ms"]!.GetValue<int>() >= 0);
            Assert.NotNull(a["started_at"]);
        });
    }

    [Fact]
    public async Task Event_IsNotFound_ForAnotherMerchant()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        var (_, _, eventId, _) = await PaidOrderAsync(receiver, "succeeded");
        var other = await OtherMerchantAsync();

        using var get = await other.Http.GetAsync($"/api/v1/events/{eventId}");
        using var redeliver = await other.PostJsonAsync($"/api/v1/events/{eventId}/redeliver", "{}");

        foreach (var response in new[] { get, redeliver })
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("event_not_found", (await response.Content.ReadFromJsonAsync<JsonObject>())!["code"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task Event_IsNotFound_ForAnUnknownId()
    {
        var merchant = await fixture.MerchantAsync();

        using var response = await merchant.Http.GetAsync("/api/v1/events/evt_doesnotexist");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("event_not_found", (await response.Content.ReadFromJsonAsync<JsonObject>())!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Redeliver_SendsAFailedDeliveryAgain_AndAReplayDoesNotSendItTwice()
    {
        await using var receiver = await CallbackReceiver.StartAsync(script: [500, 500, 500]);
        var (merchant, _, eventId, failed) = await PaidOrderAsync(receiver, "failed");
        Assert.Equal(3, failed["deliveries"]![0]!["attempts"]!.AsArray().Count);

        using var response = await merchant.PostJsonAsync($"/api/v1/events/{eventId}/redeliver", "{}", idempotencyKey: $"redeliver-{eventId}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var accepted = (await response.Content.ReadFromJsonAsync<JsonObject>())!["deliveries"]![0]!;
        Assert.Equal("pending", accepted["status"]!.GetValue<string>());

        var redelivered = (await receiver.WaitForAsync(4))[3];
        Assert.Equal(eventId, redelivered.Header("Checkout-Event-Id"));
        var delivered = await Eventually.GetAsync(async () =>
        {
            var body = await GetEventAsync(merchant, eventId);
            return body["deliveries"]![0]!["status"]!.GetValue<string>() == "succeeded" ? body : null;
        });
        Assert.Equal([500, 500, 500, 200], delivered["deliveries"]![0]!["attempts"]!.AsArray().Select(a => a!["status_code"]!.GetValue<int>()));

        using var replay = await merchant.PostJsonAsync($"/api/v1/events/{eventId}/redeliver", "{}", idempotencyKey: $"redeliver-{eventId}");
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.True(replay.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal("succeeded", (await GetEventAsync(merchant, eventId))["deliveries"]![0]!["status"]!.GetValue<string>());
        Assert.Equal(4, receiver.Received.Count);
    }

    [Fact]
    public async Task Redeliver_IsRefused_WhenNoDeliveryOfTheEventFailed()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        var (merchant, _, eventId, _) = await PaidOrderAsync(receiver, "succeeded");

        using var response = await merchant.PostJsonAsync($"/api/v1/events/{eventId}/redeliver", "{}");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("no_failed_deliveries", (await response.Content.ReadFromJsonAsync<JsonObject>())!["code"]!.GetValue<string>());
        Assert.Single(receiver.Received);
    }

    private async Task<MerchantClient> OtherMerchantAsync()
    {
        var id = "other_" + Guid.NewGuid().ToString("N")[..8];
        await using (var scope = fixture.App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CheckoutDbContext>();
            var now = scope.ServiceProvider.GetRequiredService<TimeProvider>().GetUtcNow();
            db.Merchants.Add(Merchant.Create(id, "Other Shop", "other_secret", "whsec_other", ["other.example"], now));
            await db.SaveChangesAsync();
        }
        return await fixture.App.MerchantAsync(id, "other_secret");
    }
}
