using Checkout.Core.Callbacks;
using Checkout.Core.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Checkout.UnitTests.Callbacks;

public sealed class CallbackCommitInterceptorTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromMinutes(1);
    // Sub-millisecond on purpose: a lease must survive the database round trip exactly.
    private readonly FakeTimeProvider _clock = new(Now.AddTicks(1234));
    private readonly SqliteConnection _connection = new("Data Source=:memory:");
    private readonly CallbackSignal _signal = new();
    private readonly CallbackHandOff _handOff = new();
    private readonly CheckoutDbContext _db;

    public CallbackCommitInterceptorTests()
    {
        _connection.Open();
        var interceptor = new CallbackCommitInterceptor(_signal, _handOff, _clock, Options.Create(new CallbackOptions { LeaseDuration = LeaseDuration }));
        _db = new CheckoutDbContext(new DbContextOptionsBuilder<CheckoutDbContext>()
            .UseSqlite(_connection)
            .AddInterceptors(interceptor)
            .Options);
        _db.Database.EnsureCreated();
    }

    public void Dispose()
    {
        _db.Dispose();
        _connection.Dispose();
    }

    private Task<bool> WokenAsync() => _signal.WaitAsync(TimeSpan.Zero, TimeProvider.System, CancellationToken.None);

    private List<LeasedCallback> HandedOver()
    {
        var taken = new List<LeasedCallback>();
        while (_handOff.TryTake(out var callback)) taken.Add(callback);
        return taken;
    }

    private (CallbackEvent Event, CallbackDelivery Delivery) AddDelivery()
    {
        var callbackEvent = CallbackEvent.Create("demo_merchant", "order.succeeded", new { id = "ord_1" }, Now);
        var delivery = CallbackDelivery.Create(callbackEvent, "https://shop.example/callbacks", Now);
        _db.CallbackEvents.Add(callbackEvent);
        _db.CallbackDeliveries.Add(delivery);
        return (callbackEvent, delivery);
    }

    private Task<CallbackDelivery> StoredAsync(string id) => _db.CallbackDeliveries.AsNoTracking().SingleAsync(d => d.Id == id);

    [Fact]
    public async Task SavedDelivery_WakesTheDispatcher_WhileNoDispatcherTakesHandOffs()
    {
        var (_, delivery) = AddDelivery();

        await _db.SaveChangesAsync();

        Assert.True(await WokenAsync());
        Assert.Empty(HandedOver());
        Assert.Null((await StoredAsync(delivery.Id)).LeasedUntil);
    }

    [Fact]
    public async Task DeliveryInATransaction_WakesTheDispatcherOnlyWhenTheTransactionCommits()
    {
        await using var transaction = await _db.Database.BeginTransactionAsync();
        AddDelivery();
        await _db.SaveChangesAsync();
        Assert.False(await WokenAsync());

        await transaction.CommitAsync();

        Assert.True(await WokenAsync());
    }

    [Fact]
    public async Task RolledBackDelivery_NeverWakesTheDispatcher()
    {
        await using (var transaction = await _db.Database.BeginTransactionAsync())
        {
            AddDelivery();
            await _db.SaveChangesAsync();
            await transaction.RollbackAsync();
        }
        await using (var next = await _db.Database.BeginTransactionAsync())
            await next.CommitAsync();

        Assert.False(await WokenAsync());
    }

    [Fact]
    public async Task SaveWithoutDeliveries_DoesNotWakeTheDispatcher()
    {
        _db.CallbackEvents.Add(CallbackEvent.Create("demo_merchant", "order.succeeded", new { id = "ord_1" }, Now));

        await _db.SaveChangesAsync();

        Assert.False(await WokenAsync());
    }

    [Fact]
    public async Task Wakeups_Coalesce_SoManyCommitsWakeTheDispatcherOnce()
    {
        AddDelivery();
        await _db.SaveChangesAsync();
        AddDelivery();
        await _db.SaveChangesAsync();

        Assert.True(await WokenAsync());
        Assert.False(await WokenAsync());
    }

    [Fact]
    public async Task NewDelivery_IsLeasedAtBirthAndHandedOverWithAllItsSendNeeds()
    {
        _handOff.Open();
        var (callbackEvent, delivery) = AddDelivery();

        await _db.SaveChangesAsync();

        var handed = Assert.Single(HandedOver());
        Assert.Equal(delivery.Id, handed.DeliveryId);
        Assert.Equal("https://shop.example/callbacks", handed.Url);
        Assert.Equal(callbackEvent.Id, handed.EventId);
        Assert.Equal(callbackEvent.Body, handed.Body);
        Assert.Equal("demo_merchant", handed.MerchantId);
        Assert.Equal(1, handed.AttemptNumber);
        // Leased in the same save, to exactly the value the row holds: the proof of ownership when recording.
        Assert.Equal(Now + LeaseDuration, handed.LeasedUntil);
        Assert.Equal(handed.LeasedUntil, (await StoredAsync(delivery.Id)).LeasedUntil);
        // Handed over, so the poll has nothing to do.
        Assert.False(await WokenAsync());
    }

    [Fact]
    public async Task NewDeliveryInATransaction_IsHandedOverOnlyWhenTheTransactionCommits()
    {
        _handOff.Open();
        await using var transaction = await _db.Database.BeginTransactionAsync();
        AddDelivery();
        await _db.SaveChangesAsync();
        AddDelivery();
        await _db.SaveChangesAsync();
        Assert.Empty(HandedOver());

        await transaction.CommitAsync();

        Assert.Equal(2, HandedOver().Count);
    }

    [Fact]
    public async Task RolledBackDelivery_IsNeverHandedOver_EvenWhenTheContextCommitsLater()
    {
        _handOff.Open();
        await using (var transaction = await _db.Database.BeginTransactionAsync())
        {
            AddDelivery();
            await _db.SaveChangesAsync();
            await transaction.RollbackAsync();
        }
        _db.ChangeTracker.Clear();
        await using (var next = await _db.Database.BeginTransactionAsync())
            await next.CommitAsync();

        Assert.Empty(HandedOver());
    }

    [Fact]
    public async Task DeliveryOfATransactionDisposedWithoutCommit_IsNeverHandedOver()
    {
        _handOff.Open();
        await using (await _db.Database.BeginTransactionAsync())
        {
            AddDelivery();
            await _db.SaveChangesAsync();
        }
        _db.ChangeTracker.Clear();
        await using (var next = await _db.Database.BeginTransactionAsync())
        {
            _db.CallbackEvents.Add(CallbackEvent.Create("demo_merchant", "order.canceled", new { id = "ord_2" }, Now));
            await _db.SaveChangesAsync();
            await next.CommitAsync();
        }

        Assert.Empty(HandedOver());
    }

    [Fact]
    public async Task NewDelivery_IsLeftUnleasedToThePoll_WhenTheHandOffIsFull()
    {
        _handOff.Open();
        var filler = new LeasedCallback("dlv_x", "https://shop.example/callbacks", "evt_x", "{}", "demo_merchant", 1, Now);
        _handOff.Enqueue(Enumerable.Repeat(filler, CallbackHandOff.Capacity));
        var (_, delivery) = AddDelivery();

        await _db.SaveChangesAsync();

        Assert.Null((await StoredAsync(delivery.Id)).LeasedUntil);
        Assert.True(await WokenAsync());
        Assert.Equal(CallbackHandOff.Capacity, _handOff.Count);
    }

    [Fact]
    public async Task DeliveryCreatedAlreadyLeased_IsLeftToItsLeaseHolder()
    {
        _handOff.Open();
        var (_, delivery) = AddDelivery();
        var othersLease = Now.AddSeconds(30);
        delivery.Lease(othersLease);

        await _db.SaveChangesAsync();

        Assert.Empty(HandedOver());
        Assert.Equal(othersLease, (await StoredAsync(delivery.Id)).LeasedUntil);
    }

    [Fact]
    public async Task RedeliveredDelivery_WakesThePollInsteadOfBeingHandedOver()
    {
        _handOff.Open();
        var (_, delivery) = AddDelivery();
        await _db.SaveChangesAsync();
        HandedOver();
        delivery.RecordAttempt(Now, TimeSpan.FromMilliseconds(5), 500, null, []);
        await _db.SaveChangesAsync();
        Assert.False(await WokenAsync());

        delivery.Redeliver(Now.AddMinutes(1));
        await _db.SaveChangesAsync();

        Assert.True(await WokenAsync());
        Assert.Empty(HandedOver());
    }
}
