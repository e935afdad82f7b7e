using System.Text.Json.Nodes;
using Checkout.Core.Callbacks;
using Checkout.Core.Data;
using Checkout.Core.Orders;
using Checkout.Core.Payments;
using Checkout.IntegrationTests.Callbacks;
using Checkout.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static Checkout.IntegrationTests.Payments.PaymentsApi;

namespace Checkout.IntegrationTests.Payments;

/// <summary>
/// The reconciler on a fake clock: its own timer never fires here (a month-long interval), so each
/// pass is one explicit <see cref="PaymentReconciler.RunOnceAsync"/> at a time the test chooses.
/// </summary>
public sealed class ReconciliationTests
{
    private static readonly TimeSpan SettleDelay = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan DisputeDelay = TimeSpan.FromMinutes(2);

    private static Dictionary<string, string?> Settings(string? authorizationTtl = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Checkout:Sandbox:SettleDelay"] = SettleDelay.ToString(),
            ["Checkout:Sandbox:DisputeDelay"] = DisputeDelay.ToString(),
            ["Checkout:Payments:ReconcileInterval"] = "30.00:00:00",
            // Leaves the callback dispatcher polling rarely: on a fake clock it wakes on commits only.
            ["Checkout:Callbacks:PollInterval"] = "01:00:00",
            // Periodic timers fire once per period a fake clock skips: keep the refund worker's rare when days pass.
            ["Checkout:Refunds:PollInterval"] = "01:00:00",
        };
        if (authorizationTtl is not null) settings["Checkout:Payments:AuthorizationTtl"] = authorizationTtl;
        return settings;
    }

    [Fact]
    public async Task UncapturedAuthorization_IsVoidedAndCanceled_OnceItOutlivesTheAuthorizationTtl()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = new CheckoutApp(settings: Settings(), clock: clock); // the default TTL: 7 days
        try
        {
            var merchant = await app.MerchantAsync();
            var shopperId = await app.SandboxShopperIdAsync();
            var card = await merchant.CreateOrderIdAsync(manual: true);
            Assert.Equal("authorized", (await merchant.ConfirmOkAsync(card, "pm_card_visa")).Status());
            var wallet = await merchant.CreateOrderIdAsync(amount: 3000, manual: true);
            var balance = await app.WalletBalanceAsync(shopperId);
            await app.PaymentsAsync(p => p.ConfirmAsync(wallet, null, new PaymentChoice.Wallet(shopperId), CancellationToken.None));
            Assert.Equal(balance - 3000, await app.WalletBalanceAsync(shopperId));
            clock.Advance(TimeSpan.FromHours(1));
            var younger = await merchant.CreateOrderIdAsync(manual: true);
            await merchant.ConfirmOkAsync(younger, "pm_card_visa");

            clock.Advance(TimeSpan.FromDays(7) - TimeSpan.FromHours(1) - TimeSpan.FromMilliseconds(1));
            var early = await app.Reconciler().RunOnceAsync(CancellationToken.None);

            Assert.Equal(0, early.StaleAuthorizations);
            await merchant.AuthenticateAsync(); // the first token expired days ago on this clock
            Assert.Equal("authorized", (await merchant.GetOrderAsync(card)).Status());

            clock.Advance(TimeSpan.FromMilliseconds(1));
            var due = await app.Reconciler().RunOnceAsync(CancellationToken.None);

            Assert.Equal(new ReconciliationPass(0, 2, 0, 0), due);
            Assert.Equal("canceled", (await merchant.GetOrderAsync(card)).Status());
            Assert.Equal("canceled", (await merchant.GetOrderAsync(wallet)).Status());
            Assert.Equal("authorized", (await merchant.GetOrderAsync(younger)).Status());
            Assert.Equal(Sorted(OrderEventTypes.Authorized, OrderEventTypes.Canceled), await app.EventTypesAsync(card));
            Assert.Equal(Sorted(OrderEventTypes.Authorized, OrderEventTypes.Canceled), await app.EventTypesAsync(wallet));
            Assert.Equal(balance, await app.WalletBalanceAsync(shopperId)); // the void gave the hold back

            // A second pass finds nothing more to do.
            Assert.Equal(new ReconciliationPass(0, 0, 0, 0), await app.Reconciler().RunOnceAsync(CancellationToken.None));
            Assert.Single(await app.EventTypesAsync(card), OrderEventTypes.Canceled);
        }
        finally
        {
            CheckoutApp.DeleteDatabase(app.DatabasePath);
        }
    }

    [Fact]
    public async Task LateAuthorizations_StayProcessingUntilTheProcessorSettles_ThenSucceedOrFail()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = new CheckoutApp(settings: Settings(), clock: clock);
        try
        {
            var merchant = await app.MerchantAsync();
            var success = await merchant.CreateOrderIdAsync(amount: 2500);
            var failure = await merchant.CreateOrderIdAsync();
            await merchant.ConfirmOkAsync(success, "pm_card_late_success");
            await merchant.ConfirmOkAsync(failure, "pm_card_late_failure");

            clock.Advance(SettleDelay - TimeSpan.FromMilliseconds(1));
            Assert.Equal(new ReconciliationPass(2, 0, 0, 0), await app.Reconciler().RunOnceAsync(CancellationToken.None));
            Assert.Equal("processing", (await merchant.GetOrderAsync(success)).Status());
            Assert.Equal("processing", (await merchant.GetOrderAsync(failure)).Status());
            Assert.Empty(await app.EventTypesAsync(success));

            clock.Advance(TimeSpan.FromMilliseconds(1));
            await app.Reconciler().RunOnceAsync(CancellationToken.None);

            var succeeded = await merchant.GetOrderAsync(success);
            Assert.Equal("succeeded", succeeded.Status());
            Assert.Equal(2500, succeeded.AmountCaptured());
            Assert.Equal("failed", (await merchant.GetOrderAsync(failure)).Status());
            Assert.Equal([OrderEventTypes.Succeeded], await app.EventTypesAsync(success));
            Assert.Equal(Sorted(OrderEventTypes.PaymentFailed, OrderEventTypes.Failed), await app.EventTypesAsync(failure));
            Assert.Equal(new ReconciliationPass(0, 0, 0, 0), await app.Reconciler().RunOnceAsync(CancellationToken.None));
        }
        finally
        {
            CheckoutApp.DeleteDatabase(app.DatabasePath);
        }
    }

    [Fact]
    public async Task ScheduledDispute_OpensOnlyOnceDue_WithOneDisputeCreatedEvent()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = new CheckoutApp(settings: Settings(), clock: clock);
        try
        {
            var merchant = await app.MerchantAsync();
            var id = await merchant.CreateOrderIdAsync(amount: 2500);
            await merchant.ConfirmOkAsync(id, "pm_card_dispute");

            clock.Advance(DisputeDelay - TimeSpan.FromMilliseconds(1));
            Assert.Equal(new ReconciliationPass(0, 0, 0, 0), await app.Reconciler().RunOnceAsync(CancellationToken.None));
            Assert.Null((await merchant.GetOrderAsync(id))["dispute"]);

            clock.Advance(TimeSpan.FromMilliseconds(1));
            Assert.Equal(new ReconciliationPass(0, 0, 1, 0), await app.Reconciler().RunOnceAsync(CancellationToken.None));

            var dispute = (await merchant.GetOrderAsync(id))["dispute"]!;
            Assert.Equal("needs_response", dispute["status"]!.GetValue<string>());
            Assert.Equal(Sorted(OrderEventTypes.DisputeCreated, OrderEventTypes.Succeeded), await app.EventTypesAsync(id));
            Assert.Equal(new ReconciliationPass(0, 0, 0, 0), await app.Reconciler().RunOnceAsync(CancellationToken.None));
        }
        finally
        {
            CheckoutApp.DeleteDatabase(app.DatabasePath);
        }
    }

    [Fact]
    public async Task OrderThatCannotBeReconciled_IsLoggedAndSkipped_WhileTheOthersSettle()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = new CheckoutApp(settings: Settings(), clock: clock);
        try
        {
            var merchant = await app.MerchantAsync();
            var broken = await merchant.CreateOrderIdAsync();
            var fine = await merchant.CreateOrderIdAsync();
            await merchant.ConfirmOkAsync(broken, "pm_card_late_success");
            await merchant.ConfirmOkAsync(fine, "pm_card_late_success");
            await using (var scope = app.Services.CreateAsyncScope())
            {
                // A reference the processor does not understand: its lookup throws.
                await scope.ServiceProvider.GetRequiredService<CheckoutDbContext>().Orders.Where(o => o.Id == broken)
                    .ExecuteUpdateAsync(s => s.SetProperty(o => o.ProcessorReference, "sbx_garbled"));
            }
            clock.Advance(SettleDelay);

            var pass = await app.Reconciler().RunOnceAsync(CancellationToken.None);

            Assert.Equal(new ReconciliationPass(1, 0, 0, 1), pass);
            Assert.Equal("succeeded", (await merchant.GetOrderAsync(fine)).Status());
            Assert.Equal("processing", (await merchant.GetOrderAsync(broken)).Status());
            // Still there on the next pass, and still not in anyone's way.
            Assert.Equal(new ReconciliationPass(0, 0, 0, 1), await app.Reconciler().RunOnceAsync(CancellationToken.None));
        }
        finally
        {
            CheckoutApp.DeleteDatabase(app.DatabasePath);
        }
    }

    [Fact]
    public async Task ManyDueOrders_AreAllHandled_AcrossSeveralBatches()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var settings = Settings();
        settings["Checkout:Payments:ReconcileBatchSize"] = "2";
        await using var app = new CheckoutApp(settings: settings, clock: clock);
        try
        {
            var merchant = await app.MerchantAsync();
            var ids = new List<string>();
            for (var i = 0; i < 5; i++)
            {
                var id = await merchant.CreateOrderIdAsync();
                await merchant.ConfirmOkAsync(id, "pm_card_late_success");
                ids.Add(id);
            }
            clock.Advance(SettleDelay);

            Assert.Equal(new ReconciliationPass(5, 0, 0, 0), await app.Reconciler().RunOnceAsync(CancellationToken.None));

            foreach (var id in ids) Assert.Equal("succeeded", (await merchant.GetOrderAsync(id)).Status());
        }
        finally
        {
            CheckoutApp.DeleteDatabase(app.DatabasePath);
        }
    }

    [Fact]
    public async Task TwoReconcilersAtOnce_InOneApp_MakeOneTransitionAndOneCallbackPerOrder()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var receiver = await CallbackReceiver.StartAsync();
        await using var app = new CheckoutApp(settings: Settings(authorizationTtl: "00:10:00"), clock: clock);
        try
        {
            var merchant = await app.MerchantAsync();
            var due = await DueWorkAsync(app, merchant, receiver.Url);
            clock.Advance(TimeSpan.FromMinutes(10));

            var reconcilers = new[] { app.Reconciler(), app.AnotherReconciler(), app.AnotherReconciler() };
            await Task.WhenAll(reconcilers.Select(r => Task.Run(() => r.RunOnceAsync(CancellationToken.None))));

            await AssertOneTransitionAndOneCallbackEachAsync(app, merchant, receiver, due);
        }
        finally
        {
            CheckoutApp.DeleteDatabase(app.DatabasePath);
        }
    }

    [Fact]
    public async Task EightWorkersSettlingTheSameOrderAtOnce_MakeOneTransitionAndOneCallback()
    {
        // The per-order race forced: every worker has already decided the order is due when it acts.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var receiver = await CallbackReceiver.StartAsync();
        await using var app = new CheckoutApp(settings: Settings(authorizationTtl: "00:10:00"), clock: clock);
        try
        {
            var merchant = await app.MerchantAsync();
            var due = await DueWorkAsync(app, merchant, receiver.Url);
            clock.Advance(TimeSpan.FromMinutes(10));

            foreach (var order in due)
            {
                Func<OrderPayments, Task<PaymentOutcome>> settle = order.Event switch
                {
                    OrderEventTypes.Canceled => p => p.ExpireAuthorizationAsync(order.Id, CancellationToken.None),
                    OrderEventTypes.DisputeCreated => p => p.OpenDueDisputeAsync(order.Id, CancellationToken.None),
                    _ => p => p.ReconcileAsync(order.Id, CancellationToken.None),
                };
                await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => app.PaymentsAsync(settle))));
            }

            await AssertOneTransitionAndOneCallbackEachAsync(app, merchant, receiver, due);
        }
        finally
        {
            CheckoutApp.DeleteDatabase(app.DatabasePath);
        }
    }

    [Fact]
    public async Task TwoReconcilersAtOnce_InTwoAppsOnOneDatabase_MakeOneTransitionAndOneCallbackPerOrder()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var databasePath = Path.Combine(Path.GetTempPath(), $"checkout-it-{Guid.NewGuid():N}.db");
        await using var receiver = await CallbackReceiver.StartAsync();
        try
        {
            await using var first = new CheckoutApp(databasePath, Settings(authorizationTtl: "00:10:00"), clock);
            await using var second = new CheckoutApp(databasePath, Settings(authorizationTtl: "00:10:00"), clock);
            var merchant = await first.MerchantAsync();
            var due = await DueWorkAsync(first, merchant, receiver.Url);
            _ = second.BaseAddress; // started: its reconciler and dispatcher work the same database
            clock.Advance(TimeSpan.FromMinutes(10));

            await Task.WhenAll(
                Task.Run(() => first.Reconciler().RunOnceAsync(CancellationToken.None)),
                Task.Run(() => second.Reconciler().RunOnceAsync(CancellationToken.None)),
                Task.Run(() => first.AnotherReconciler().RunOnceAsync(CancellationToken.None)),
                Task.Run(() => second.AnotherReconciler().RunOnceAsync(CancellationToken.None)));

            await AssertOneTransitionAndOneCallbackEachAsync(first, merchant, receiver, due);
        }
        finally
        {
            CheckoutApp.DeleteDatabase(databasePath);
        }
    }

    /// <summary>Orders of each kind the reconciler handles, with the event each must raise exactly once.</summary>
    private sealed record DueOrder(string Id, string FinalStatus, string Event);

    private static async Task<List<DueOrder>> DueWorkAsync(CheckoutApp app, MerchantClient merchant, string callbackUrl)
    {
        var due = new List<DueOrder>();
        for (var i = 0; i < 4; i++)
        {
            var success = await merchant.CreateOrderIdAsync(callbackUrl: callbackUrl);
            await merchant.ConfirmOkAsync(success, "pm_card_late_success");
            due.Add(new DueOrder(success, "succeeded", OrderEventTypes.Succeeded));

            var failure = await merchant.CreateOrderIdAsync(callbackUrl: callbackUrl);
            await merchant.ConfirmOkAsync(failure, "pm_card_late_failure");
            due.Add(new DueOrder(failure, "failed", OrderEventTypes.Failed));

            var held = await merchant.CreateOrderIdAsync(manual: true, callbackUrl: callbackUrl);
            await merchant.ConfirmOkAsync(held, "pm_card_visa");
            due.Add(new DueOrder(held, "canceled", OrderEventTypes.Canceled));

            var disputed = await merchant.CreateOrderIdAsync(callbackUrl: callbackUrl);
            await merchant.ConfirmOkAsync(disputed, "pm_card_dispute");
            due.Add(new DueOrder(disputed, "succeeded", OrderEventTypes.DisputeCreated));
        }
        // The callbacks of these confirmations go out before the clock jumps: a send in flight across the
        // jump would outlive its lease on the fake clock and be sent again, which is the dispatcher's business.
        await Eventually.TrueAsync(async () => await AllDeliveredAsync(app), what: "the confirmations' callbacks to be delivered");
        return due;
    }

    private static async Task AssertOneTransitionAndOneCallbackEachAsync(CheckoutApp app, MerchantClient merchant, CallbackReceiver receiver, List<DueOrder> due)
    {
        foreach (var order in due)
        {
            var read = await merchant.GetOrderAsync(order.Id);
            Assert.Equal(order.FinalStatus, read.Status());
            Assert.Single(await app.EventTypesAsync(order.Id), order.Event);
        }

        // Every callback the reconcilers caused is delivered, each exactly once.
        var eventCount = await AllEventCountAsync(app);
        await Eventually.TrueAsync(async () => await AllDeliveredAsync(app), what: "every callback to be delivered");
        var received = receiver.Received.Select(r => JsonNode.Parse(r.Body)!).ToList();
        var ids = received.Select(r => r["id"]!.GetValue<string>()).ToList();
        Assert.True(eventCount == received.Count,
            $"{eventCount} events but {received.Count} callbacks; sent more than once: " +
            string.Join(", ", received.GroupBy(r => r["id"]!.GetValue<string>()).Where(g => g.Count() > 1).Select(g => $"{g.First()["type"]} x{g.Count()}")));
        Assert.Equal(eventCount, ids.Distinct().Count());
        foreach (var order in due)
        {
            Assert.Single(received, r => r["type"]!.GetValue<string>() == order.Event && r.ToJsonString().Contains(order.Id, StringComparison.Ordinal));
        }
    }

    private static async Task<int> AllEventCountAsync(CheckoutApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CheckoutDbContext>().CallbackEvents.CountAsync();
    }

    private static async Task<bool> AllDeliveredAsync(CheckoutApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var deliveries = await scope.ServiceProvider.GetRequiredService<CheckoutDbContext>().CallbackDeliveries.AsNoTracking().ToListAsync();
        return deliveries.All(d => d.Status == CallbackDeliveryStatus.Succeeded);
    }
}
