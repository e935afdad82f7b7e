using Checkout.Core.Callbacks;
using Checkout.Core.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Checkout.UnitTests.Callbacks;

public sealed class CallbackCommitInterceptorTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);
    private readonly SqliteConnection _connection = new("Data Source=:memory:");
    private readonly CallbackSignal _signal = new();
    private readonly CheckoutDbContext _db;

    public CallbackCommitInterceptorTests()
    {
        _connection.Open();
        _db = new CheckoutDbContext(new DbContextOptionsBuilder<CheckoutDbContext>()
            .UseSqlite(_connection)
            .AddInterceptors(new CallbackCommitInterceptor(_signal))
            .Options);
        _db.Database.EnsureCreated();
    }

    public void Dispose()
    {
        _db.Dispose();
        _connection.Dispose();
    }

    private Task<bool> WokenAsync() => _signal.WaitAsync(TimeSpan.Zero, TimeProvider.System, CancellationToken.None);

    private void AddDelivery()
    {
        var callbackEvent = CallbackEvent.Create("demo_merchant", "order.succeeded", new { id = "ord_1" }, Now);
        _db.CallbackEvents.Add(callbackEvent);
        _db.CallbackDeliveries.Add(CallbackDelivery.Create(callbackEvent, "https://shop.example/callbacks", Now));
    }

    [Fact]
    public async Task SavedDelivery_WakesTheDispatcher()
    {
        AddDelivery();

        await _db.SaveChangesAsync();

        Assert.True(await WokenAsync());
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
}
