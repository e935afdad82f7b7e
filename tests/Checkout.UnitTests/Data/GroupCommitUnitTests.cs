using Checkout.Core.Callbacks;
using Checkout.Core.Common;
using Checkout.Core.Data;
using Checkout.Core.Merchants;
using Checkout.Core.Orders;
using Checkout.Core.Shoppers;
using Checkout.UnitTests.Orders;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Checkout.UnitTests.Data;

/// <summary>
/// Read-modify-write units on the group-commit writer: each sees every commit before it, commits with its batch,
/// fails or is discarded alone, and leaves no callback behind for writes that were rolled back.
/// </summary>
public sealed class GroupCommitUnitTests : IAsyncLifetime
{
    private readonly WriterDatabase _database = new();

    private CheckoutDbContext NewContext() => _database.NewContext();

    private Task<long> BalanceAsync() => _database.BalanceAsync();

    private List<LeasedCallback> HandedOver() => _database.HandedOver();

    public Task InitializeAsync() => _database.InitializeAsync();

    public Task DisposeAsync() => _database.DisposeAsync().AsTask();

    private Task<int> CreditAsync(CheckoutDbContext db, long amount, Action? afterSave = null) =>
        _database.GroupCommit.RunAsync(db, async _ =>
        {
            var balance = await db.WalletBalances.SingleAsync(w => w.ShopperId == _database.ShopperId);
            balance.Credit(amount);
            await db.SaveChangesAsync();
            afterSave?.Invoke();
            return balance.Version;
        });

    [Fact]
    public async Task Unit_CommitsBeforeItAnswers_WithTheWorksResult()
    {
        await using var db = NewContext();

        var version = await CreditAsync(db, 500);

        Assert.Equal(1, version);
        Assert.Equal(500, await BalanceAsync());
    }

    [Fact]
    public async Task ConcurrentUnits_OnOneRow_EachSeeTheOthersCommit_AndLoseNoUpdate()
    {
        var contexts = Enumerable.Range(0, 50).Select(_ => NewContext()).ToList();
        try
        {
            var versions = await Task.WhenAll(contexts.Select(db => Task.Run(() => CreditAsync(db, 1))));

            Assert.Equal(50, await BalanceAsync());
            Assert.Equal(Enumerable.Range(1, 50), versions.Order()); // one after another, none read a stale row
        }
        finally
        {
            foreach (var db in contexts) await db.DisposeAsync();
        }
    }

    [Fact]
    public async Task UnitThatThrows_IsRolledBackAlone_AndItsNeighboursCommit()
    {
        await using var first = NewContext();
        await using var failing = NewContext();
        await using var last = NewContext();
        var order = OrderBuilder.Created();
        Task<int> firstCredit, failingCredit, lastCredit;
        Task newRows;
        // While the gate is held the writer cannot begin: all four go into one batch.
        using (await _database.Gate.HoldAsync(CancellationToken.None))
        {
            firstCredit = CreditAsync(first, 10);
            failingCredit = CreditAsync(failing, 1000, () => throw new InvalidOperationException("after its save"));
            newRows = _database.GroupCommit.SaveAsync([order]);
            lastCredit = CreditAsync(last, 20);
        }

        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => failingCredit);
        Assert.Equal("after its save", thrown.Message);
        await Task.WhenAll(firstCredit, lastCredit, newRows);
        Assert.Equal(30, await BalanceAsync());
        await using var db = NewContext();
        Assert.True(await db.Orders.AnyAsync(o => o.Id == order.Id));
    }

    [Fact]
    public async Task DiscardedUnit_KeepsNothing_AndStillAnswers()
    {
        await using var db = NewContext();

        var answer = await _database.GroupCommit.RunAsync(db, async unit =>
        {
            (await db.WalletBalances.SingleAsync(w => w.ShopperId == _database.ShopperId)).Credit(999);
            await db.SaveChangesAsync();
            unit.Discard();
            return "refused";
        });

        Assert.Equal("refused", answer);
        Assert.Equal(0, await BalanceAsync());
    }

    [Fact]
    public async Task RolledBackUnit_HandsNoCallbackOver_WhileItsNeighboursAreHandedOverAfterTheCommit()
    {
        await using var kept = NewContext();
        await using var failing = NewContext();
        await using var discarded = NewContext();
        Task<string> keptDelivery, failingDelivery, discardedDelivery;
        using (await _database.Gate.HoldAsync(CancellationToken.None))
        {
            keptDelivery = DeliverAsync(kept, fail: false, discard: false);
            failingDelivery = DeliverAsync(failing, fail: true, discard: false);
            discardedDelivery = DeliverAsync(discarded, fail: false, discard: true);
            Assert.Empty(HandedOver());
        }

        var keptId = await keptDelivery;
        await discardedDelivery;
        await Assert.ThrowsAsync<InvalidOperationException>(() => failingDelivery);
        Assert.Equal([keptId], HandedOver().Select(c => c.DeliveryId));
        await using var db = NewContext();
        Assert.Equal([keptId], await db.CallbackDeliveries.Select(d => d.Id).ToListAsync());
    }

    private Task<string> DeliverAsync(CheckoutDbContext db, bool fail, bool discard) =>
        _database.GroupCommit.RunAsync(db, async unit =>
        {
            var callbackEvent = CallbackEvent.Create("demo_merchant", "order.succeeded", new { id = "ord_1" }, OrderBuilder.Now);
            var delivery = CallbackDelivery.Create(callbackEvent, "https://shop.example/callbacks", OrderBuilder.Now);
            db.CallbackEvents.Add(callbackEvent);
            db.CallbackDeliveries.Add(delivery);
            await db.SaveChangesAsync();
            if (fail) throw new InvalidOperationException("after the delivery was saved");
            if (discard) unit.Discard();
            return delivery.Id;
        });

    [Fact]
    public async Task ContextAfterAUnit_IsBackOnItsOwnConnection_AndCanWriteOnItsOwn()
    {
        await using var db = NewContext();
        await CreditAsync(db, 5);

        Assert.Null(db.Database.CurrentTransaction);
        await using (var own = await db.Database.BeginTransactionAsync())
        {
            (await db.WalletBalances.SingleAsync(w => w.ShopperId == _database.ShopperId)).Credit(7);
            await db.SaveChangesAsync();
            await own.CommitAsync();
        }
        Assert.Equal(12, await BalanceAsync());
    }

    [Fact]
    public async Task ContextHoldingItsOwnConnection_IsRefusedAlone_BeforeTheWorkRuns()
    {
        await using var holding = NewContext();
        await using var neighbour = NewContext();
        await holding.Database.OpenConnectionAsync();
        var ran = false;
        Task<int> refused, credit;
        using (await _database.Gate.HoldAsync(CancellationToken.None))
        {
            refused = _database.GroupCommit.RunAsync(holding, _ =>
            {
                ran = true;
                return Task.FromResult(0);
            });
            credit = CreditAsync(neighbour, 3);
        }

        await Assert.ThrowsAsync<InvalidOperationException>(() => refused);
        Assert.False(ran);
        await credit;
        Assert.Equal(3, await BalanceAsync());
    }

    [Fact]
    public async Task WorkOnTheWriter_ThatQueuesMoreWork_FailsInsteadOfWaitingForItself()
    {
        await using var db = NewContext();

        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            _database.GroupCommit.RunAsync(db, async _ =>
            {
                await _database.GroupCommit.SaveAsync([OrderBuilder.Created()]);
                return 0;
            }).WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.Contains("cannot queue more work", thrown.Message);
    }

    private static readonly AsyncLocal<string?> RequestTag = new();

    [Fact]
    public async Task Work_SeesTheAsyncLocalsOfTheRequestThatQueuedIt()
    {
        await using var db = NewContext();
        RequestTag.Value = "request-42";

        var seen = await _database.GroupCommit.RunAsync(db, _ => Task.FromResult(RequestTag.Value));

        Assert.Equal("request-42", seen);
    }
}
