using Checkout.Core.Data;
using Checkout.Core.Merchants;
using Checkout.Core.Orders;
using Checkout.UnitTests.Orders;
using Microsoft.EntityFrameworkCore;

namespace Checkout.UnitTests.Data;

/// <summary>Tagged reads run as prepared statements on long-lived connections and must read exactly what a plain query reads.</summary>
public sealed class PreparedReadsTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"checkout-prepared-{Guid.NewGuid():N}.db");
    private readonly PreparedReads _preparedReads = new(maxConnections: 2);

    public PreparedReadsTests()
    {
        using var db = NewContext();
        db.Database.EnsureCreated();
        db.Merchants.Add(Merchant.Create("demo_merchant", "Demo", "secret", "whsec", ["shop.example"], OrderBuilder.Now));
        db.SaveChanges();
    }

    public void Dispose()
    {
        _preparedReads.Dispose();
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" }) File.Delete(file);
    }

    private CheckoutDbContext NewContext(PreparedReads? preparedReads = null, string? connectionString = null) =>
        new(new DbContextOptionsBuilder<CheckoutDbContext>()
            .UseSqlite(connectionString ?? $"Data Source={_path}")
            .AddInterceptors(preparedReads ?? _preparedReads)
            .Options);

    private static IQueryable<Order> Tagged(CheckoutDbContext db, string id) =>
        db.Orders.TagWith(PreparedReads.Tag).AsNoTracking().Where(o => o.Id == id);

    // Failed after one attempt: the read includes an attempt and the last payment error.
    private async Task<Order> SaveOrderAsync(OrderStatus status = OrderStatus.Failed)
    {
        await using var db = NewContext();
        var order = OrderBuilder.InStatus(status);
        db.Orders.Add(order);
        await db.SaveChangesAsync();
        return order;
    }

    [Fact]
    public async Task TaggedRead_ReadsTheSameOrderAsAPlainQuery()
    {
        var saved = await SaveOrderAsync();
        await using var db = NewContext();

        var prepared = await Tagged(db, saved.Id).SingleAsync();
        var plain = await db.Orders.AsNoTracking().SingleAsync(o => o.Id == saved.Id);

        Assert.Equal(1, _preparedReads.OpenConnections);
        Assert.Equivalent(OrderResource.From(plain), OrderResource.From(prepared), strict: true);
    }

    [Fact]
    public async Task TaggedRead_SeesWhatWasCommittedAfterThePreviousRead()
    {
        var saved = await SaveOrderAsync(OrderStatus.Created);
        await using (var db = NewContext()) Assert.Equal(OrderStatus.Created, (await Tagged(db, saved.Id).SingleAsync()).Status);

        await using (var db = NewContext())
        {
            var order = await db.Orders.SingleAsync(o => o.Id == saved.Id);
            order.Cancel(DateTimeOffset.UtcNow);
            await db.SaveChangesAsync();
        }

        await using (var db = NewContext()) Assert.Equal(OrderStatus.Canceled, (await Tagged(db, saved.Id).SingleAsync()).Status);
        Assert.Equal(1, _preparedReads.OpenConnections); // the same prepared connection served both reads
    }

    // Three readers open at once: two on the prepared connections, the third on its context's own connection.
    private async Task<Order[]> ReadThreeAtOnceAsync(string id)
    {
        await using var db1 = NewContext();
        await using var db2 = NewContext();
        await using var db3 = NewContext();
        await using var reader1 = Tagged(db1, id).AsAsyncEnumerable().GetAsyncEnumerator();
        await using var reader2 = Tagged(db2, id).AsAsyncEnumerable().GetAsyncEnumerator();
        await using var reader3 = Tagged(db3, id).AsAsyncEnumerable().GetAsyncEnumerator();
        Assert.True(await reader1.MoveNextAsync());
        Assert.True(await reader2.MoveNextAsync());
        Assert.True(await reader3.MoveNextAsync());
        Assert.Equal(2, _preparedReads.OpenConnections);
        return [reader1.Current, reader2.Current, reader3.Current];
    }

    [Fact]
    public async Task TaggedReads_BeyondTheOpenConnections_TakeTheNormalPath()
    {
        var saved = await SaveOrderAsync();

        var reads = await ReadThreeAtOnceAsync(saved.Id);

        Assert.All(reads, o => Assert.Equal(saved.Id, o.Id));
    }

    [Fact]
    public async Task TaggedRead_InsideATransaction_ReadsTheTransactionsOwnWrites()
    {
        var saved = await SaveOrderAsync(OrderStatus.Created);
        await using var db = NewContext();
        await using var transaction = await db.Database.BeginTransactionAsync();
        var order = await db.Orders.SingleAsync(o => o.Id == saved.Id);
        order.Cancel(DateTimeOffset.UtcNow);
        await db.SaveChangesAsync();

        Assert.Equal(OrderStatus.Canceled, (await Tagged(db, saved.Id).SingleAsync()).Status);
        Assert.Equal(0, _preparedReads.OpenConnections);
    }

    [Fact]
    public async Task TaggedRead_OnAnInMemoryDatabase_TakesTheNormalPath()
    {
        await using var db = NewContext(connectionString: "Data Source=:memory:");
        await db.Database.OpenConnectionAsync();
        await db.Database.EnsureCreatedAsync();
        db.Merchants.Add(Merchant.Create("demo_merchant", "Demo", "secret", "whsec", ["shop.example"], OrderBuilder.Now));
        var order = OrderBuilder.Created();
        db.Orders.Add(order);
        await db.SaveChangesAsync();

        Assert.Equal(order.Id, (await Tagged(db, order.Id).SingleAsync()).Id);
        Assert.Equal(0, _preparedReads.OpenConnections);
    }

    [Fact]
    public async Task UntaggedRead_TakesTheNormalPath()
    {
        var saved = await SaveOrderAsync();
        await using var db = NewContext();

        Assert.Equal(saved.Id, (await db.Orders.AsNoTracking().SingleAsync(o => o.Id == saved.Id)).Id);
        Assert.Equal(0, _preparedReads.OpenConnections);
    }

    [Fact]
    public async Task Dispose_ClosesThePreparedConnections()
    {
        var saved = await SaveOrderAsync();
        var preparedReads = new PreparedReads(maxConnections: 2);
        await using (var db = NewContext(preparedReads)) await Tagged(db, saved.Id).SingleAsync();
        Assert.Equal(1, preparedReads.OpenConnections);

        preparedReads.Dispose();

        Assert.Equal(0, preparedReads.OpenConnections);
    }

    [Fact]
    public async Task TaggedRead_WithoutOwnConnection_NeverOpensTheContextsConnection()
    {
        var saved = await SaveOrderAsync();
        await using var db = NewContext();
        var opens = 0;
        ((Microsoft.Data.Sqlite.SqliteConnection)db.Database.GetDbConnection()).StateChange += (_, e) =>
        {
            if (e.CurrentState == System.Data.ConnectionState.Open) opens++;
        };

        Order read;
        using (PreparedReads.WithoutOwnConnection()) read = await Tagged(db, saved.Id).SingleAsync();

        Assert.Equal(0, opens);
        Assert.Equivalent(OrderResource.From(saved), OrderResource.From(read), strict: true);
        Assert.Equal(saved.Id, (await db.Orders.AsNoTracking().SingleAsync(o => o.Id == saved.Id)).Id); // outside the scope: opens as usual
        Assert.Equal(1, opens);
    }

    [Fact]
    public async Task UntaggedRead_WithoutOwnConnection_OpensTheConnectionWhenItRuns()
    {
        var saved = await SaveOrderAsync();
        await using var db = NewContext();

        using (PreparedReads.WithoutOwnConnection())
            Assert.Equal(saved.Id, (await db.Orders.AsNoTracking().SingleAsync(o => o.Id == saved.Id)).Id);
    }

    [Fact]
    public async Task TaggedReads_WithoutOwnConnection_BeyondThePreparedConnections_OpenTheirOwn()
    {
        var saved = await SaveOrderAsync();

        Order[] reads;
        using (PreparedReads.WithoutOwnConnection()) reads = await ReadThreeAtOnceAsync(saved.Id);

        Assert.All(reads, o => Assert.Equal(saved.Id, o.Id));
    }
}
