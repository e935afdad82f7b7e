using System.Net;
using Checkout.Core.Refunds;
using Checkout.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Checkout.IntegrationTests.Refunds;

/// <summary>Refund rules that depend on time, on an app whose clock the test moves.</summary>
public sealed class RefundClockTests
{
    private static Dictionary<string, string?> Settings(string? window = null, string pollInterval = "1.00:00:00") => new()
    {
        ["Checkout:Refunds:Window"] = window,
        // A fake clock fires periodic timers once per period it skips: keep them rare so a 180-day jump stays cheap.
        ["Checkout:Refunds:PollInterval"] = pollInterval,
        ["Checkout:Payments:ReconcileInterval"] = "1.00:00:00",
        ["Checkout:Orders:ExpirySweepInterval"] = "1.00:00:00",
        ["Checkout:Idempotency:PruneInterval"] = "1.00:00:00",
        ["Checkout:Sandbox:RefundDelay"] = "00:00:04",
    };

    [Fact]
    public async Task Refund_IsRejected_WithChargeExpired_OnceTheDefault180DayWindowHasPassed()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = new CheckoutApp(settings: Settings(), clock: clock);
        var merchant = new MerchantClient(app.CreateHttpClient());
        await merchant.AuthenticateAsync();
        var orderId = await merchant.PaidOrderAsync(1000);

        clock.Advance(TimeSpan.FromDays(180) - TimeSpan.FromMinutes(1));
        await merchant.AuthenticateAsync(); // the old token expired long ago
        var lastDay = await merchant.RefundOkAsync(orderId, 100);

        clock.Advance(TimeSpan.FromMinutes(2));
        await merchant.AuthenticateAsync();
        var (status, code, _) = await merchant.RefundRefusedAsync(new { order_id = orderId, amount = 100 });

        Assert.Equal(100, lastDay.Long("amount"));
        Assert.Equal((HttpStatusCode.Conflict, "charge_expired"), (status, code));
        Assert.Equal(100, (await merchant.GetOrderAsync(orderId)).Long("amount_refunded"));
        CheckoutApp.DeleteDatabase(app.DatabasePath);
    }

    [Fact]
    public async Task RefundWindow_IsConfigurable()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = new CheckoutApp(settings: Settings(window: "7.00:00:00"), clock: clock);
        var merchant = new MerchantClient(app.CreateHttpClient());
        await merchant.AuthenticateAsync();
        var orderId = await merchant.PaidOrderAsync(1000);

        clock.Advance(TimeSpan.FromDays(7) + TimeSpan.FromSeconds(1));
        await merchant.AuthenticateAsync();

        Assert.Equal("charge_expired", (await merchant.RefundRefusedAsync(new { order_id = orderId })).Code);
        CheckoutApp.DeleteDatabase(app.DatabasePath);
    }

    [Fact]
    public async Task BackgroundService_HandsTheRefundToTheProcessor_ThenFollowsItToSucceeded()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = new CheckoutApp(settings: Settings(pollInterval: "00:00:01"), clock: clock);
        var merchant = new MerchantClient(app.CreateHttpClient());
        await merchant.AuthenticateAsync();
        var orderId = await merchant.PaidOrderAsync(1000);
        var service = app.Services.GetRequiredService<RefundProcessingService>();
        var refundId = (await merchant.RefundOkAsync(orderId, 400)).Str("id");

        // Submitted on the next pass; the sandbox keeps it pending for RefundDelay/2 (2 s) from then.
        await PassUntilAsync(service, async () => (await app.StoredRefundsAsync(orderId)).Single().ProcessorReference is not null);
        Assert.Equal(RefundStatus.Pending, Assert.Single(await app.StoredRefundsAsync(orderId)).Status);

        clock.Advance(TimeSpan.FromSeconds(2));
        await PassUntilAsync(service, async () => (await merchant.GetRefundAsync(refundId)).Str("status") == "processing");

        clock.Advance(TimeSpan.FromSeconds(2));
        await PassUntilAsync(service, async () => (await merchant.GetRefundAsync(refundId)).Str("status") == "succeeded");
        Assert.Equal([RefundEventTypes.Created, RefundEventTypes.Updated, RefundEventTypes.Updated], await app.EventTypesOfAsync(refundId));

        // Final refunds are not looked at again.
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(0, await service.ProcessDueRefundsAsync(CancellationToken.None));
        CheckoutApp.DeleteDatabase(app.DatabasePath);
    }

    /// <summary>
    /// Runs passes until <paramref name="done"/>. The service's own timer may run a pass at the same
    /// moment (the fake clock fires it on Advance); the lease lets exactly one of them move the refund.
    /// </summary>
    private static Task PassUntilAsync(RefundProcessingService service, Func<Task<bool>> done) =>
        Eventually.TrueAsync(async () =>
        {
            await service.ProcessDueRefundsAsync(CancellationToken.None);
            return await done();
        }, TimeSpan.FromSeconds(10));
}
