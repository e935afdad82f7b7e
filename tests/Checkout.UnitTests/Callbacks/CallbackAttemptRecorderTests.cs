using System.Data.Common;
using Checkout.Core.Callbacks;
using Checkout.Core.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Checkout.UnitTests.Callbacks;

public sealed class CallbackAttemptRecorderTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset LeasedUntil = Now.AddMinutes(1);
    private static readonly TimeSpan[] Schedule = [TimeSpan.FromMinutes(1)];
    private readonly SqliteConnection _connection = new("Data Source=:memory:");
    private readonly CommitCounter _commits = new();
    private readonly CallbackAttemptRecorder _recorder = new(Schedule, NullLogger.Instance);

    public CallbackAttemptRecorderTests()
    {
        _connection.Open();
        using var db = NewContext();
        db.Database.EnsureCreated();
    }

    public void Dispose() => _connection.Dispose();

    private CheckoutDbContext NewContext(params IInterceptor[] interceptors) => new(new DbContextOptionsBuilder<CheckoutDbContext>()
        .UseSqlite(_connection)
        .AddInterceptors([_commits, .. interceptors])
        .Options);

    /// <summary>Counts committed transactions: what each recorded batch costs the single writer.</summary>
    private sealed class CommitCounter : DbTransactionInterceptor
    {
        public int Commits;

        public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            Commits++;
            return Task.CompletedTask;
        }
    }

    /// <summary>Another dispatcher retakes one delivery's lease just before the batch is written.</summary>
    private sealed class LeaseRetakenBeforeSaving(string deliveryId) : SaveChangesInterceptor
    {
        public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            var db = (CheckoutDbContext)eventData.Context!;
            DateTimeOffset? othersLease = LeasedUntil.AddMinutes(5);
            await db.CallbackDeliveries.Where(d => d.Id == deliveryId).ExecuteUpdateAsync(s => s.SetProperty(d => d.LeasedUntil, othersLease), cancellationToken);
            return result;
        }
    }

    /// <summary>The first <paramref name="failures"/> transactions cannot start: the writer's queue is too long, or something worse.</summary>
    private sealed class FailingTransactions(int failures, Func<Exception> failure) : DbTransactionInterceptor
    {
        public int Starts;

        public override ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(DbConnection connection, TransactionStartingEventData eventData,
            InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default) =>
            ++Starts <= failures ? throw failure() : ValueTask.FromResult(result);
    }

    private IServiceScopeFactory Scopes(IInterceptor interceptor) => new ServiceCollection()
        .AddDbContext<CheckoutDbContext>(o => o.UseSqlite(_connection).AddInterceptors(interceptor))
        .BuildServiceProvider()
        .GetRequiredService<IServiceScopeFactory>();

    private async Task<List<LeasedCallback>> LeasedDeliveriesAsync(int count)
    {
        await using var db = NewContext();
        var leased = new List<LeasedCallback>();
        for (var i = 0; i < count; i++)
        {
            var callbackEvent = CallbackEvent.Create("demo_merchant", "order.succeeded", new { id = $"ord_{i}" }, Now);
            var delivery = CallbackDelivery.Create(callbackEvent, "https://shop.example/callbacks", Now);
            delivery.Lease(LeasedUntil);
            db.AddRange(callbackEvent, delivery);
            leased.Add(new LeasedCallback(delivery.Id, delivery.Url, callbackEvent.Id, callbackEvent.Body, "demo_merchant", 1, LeasedUntil));
        }
        await db.SaveChangesAsync();
        return leased;
    }

    private static CallbackOutcome Answered(int status) => new(Now.AddSeconds(1), TimeSpan.FromMilliseconds(12), status, null);

    private async Task<Dictionary<string, CallbackDelivery>> StoredAsync()
    {
        await using var db = NewContext();
        return await db.CallbackDeliveries.AsNoTracking().Include(d => d.Attempts).ToDictionaryAsync(d => d.Id);
    }

    [Fact]
    public async Task ManyResults_AreRecordedInOneTransaction()
    {
        var leased = await LeasedDeliveriesAsync(40);
        _commits.Commits = 0;

        await using (var db = NewContext())
            await _recorder.RecordAsync(db, leased.Select(l => CallbackResult.Sent(l, Answered(200))).ToList(), CancellationToken.None);

        Assert.Equal(1, _commits.Commits);
        var stored = await StoredAsync();
        Assert.All(leased, l =>
        {
            var delivery = stored[l.DeliveryId];
            Assert.Equal(CallbackDeliveryStatus.Succeeded, delivery.Status);
            Assert.Null(delivery.LeasedUntil);
            Assert.Equal(200, Assert.Single(delivery.Attempts).StatusCode);
        });
    }

    [Fact]
    public async Task FailedAttempt_IsRecordedAndScheduled_AndCountsAsStillPending()
    {
        var leased = await LeasedDeliveriesAsync(2);

        int pending;
        await using (var db = NewContext())
            pending = await _recorder.RecordAsync(db, [CallbackResult.Sent(leased[0], Answered(500)), CallbackResult.Sent(leased[1], Answered(204))], CancellationToken.None);

        Assert.Equal(1, pending);
        var retried = (await StoredAsync())[leased[0].DeliveryId];
        Assert.Equal(CallbackDeliveryStatus.Pending, retried.Status);
        Assert.Equal(Now.AddSeconds(1).AddMilliseconds(12) + Schedule[0], retried.NextAttemptAt);
        Assert.Null(retried.LeasedUntil);
    }

    [Fact]
    public async Task UnsentDelivery_GetsItsLeaseBackWithoutAnAttempt()
    {
        var leased = await LeasedDeliveriesAsync(1);

        await using (var db = NewContext())
            await _recorder.RecordAsync(db, [CallbackResult.Unsent(leased[0])], CancellationToken.None);

        var delivery = (await StoredAsync())[leased[0].DeliveryId];
        Assert.Equal(CallbackDeliveryStatus.Pending, delivery.Status);
        Assert.Null(delivery.LeasedUntil);
        Assert.Empty(delivery.Attempts);
        Assert.Equal(0, delivery.AttemptCount);
    }

    [Fact]
    public async Task Result_IsDropped_WhenItsLeaseWasRetakenBeforeTheBatchWasRead()
    {
        var leased = await LeasedDeliveriesAsync(3);
        var othersLease = LeasedUntil.AddMinutes(5);
        await using (var db = NewContext())
            await db.CallbackDeliveries.Where(d => d.Id == leased[1].DeliveryId).ExecuteUpdateAsync(s => s.SetProperty(d => d.LeasedUntil, othersLease));

        await using (var db = NewContext())
            await _recorder.RecordAsync(db, leased.Select(l => CallbackResult.Sent(l, Answered(200))).ToList(), CancellationToken.None);

        var stored = await StoredAsync();
        Assert.Equal(CallbackDeliveryStatus.Pending, stored[leased[1].DeliveryId].Status);
        Assert.Equal(othersLease, stored[leased[1].DeliveryId].LeasedUntil);
        Assert.Empty(stored[leased[1].DeliveryId].Attempts);
        Assert.Equal(CallbackDeliveryStatus.Succeeded, stored[leased[0].DeliveryId].Status);
        Assert.Equal(CallbackDeliveryStatus.Succeeded, stored[leased[2].DeliveryId].Status);
    }

    [Fact]
    public async Task Result_IsDropped_WhenItsLeaseIsRetakenWhileTheBatchIsWritten_AndTheRestAreStillRecorded()
    {
        var leased = await LeasedDeliveriesAsync(5);

        await using (var db = NewContext(new LeaseRetakenBeforeSaving(leased[2].DeliveryId)))
            await _recorder.RecordAsync(db, leased.Select(l => CallbackResult.Sent(l, Answered(200))).ToList(), CancellationToken.None);

        var stored = await StoredAsync();
        var lost = stored[leased[2].DeliveryId];
        Assert.Equal(CallbackDeliveryStatus.Pending, lost.Status);
        Assert.Empty(lost.Attempts);
        Assert.Equal(LeasedUntil.AddMinutes(5), lost.LeasedUntil);
        Assert.All(leased.Where((_, i) => i != 2), l =>
        {
            Assert.Equal(CallbackDeliveryStatus.Succeeded, stored[l.DeliveryId].Status);
            Assert.Single(stored[l.DeliveryId].Attempts);
        });
    }

    [Fact]
    public async Task Batch_IsRecordedOnceTheDatabaseIsNoLongerBusy()
    {
        var leased = await LeasedDeliveriesAsync(3);
        var busy = new FailingTransactions(2, () => new TimeoutException("Waited 10 s for the database's single writer."));

        await _recorder.RecordWhileBusyAsync(Scopes(busy), leased.Select(l => CallbackResult.Sent(l, Answered(200))).ToList(), TimeProvider.System, CancellationToken.None);

        Assert.Equal(3, busy.Starts);
        Assert.All((await StoredAsync()).Values, d => Assert.Equal(CallbackDeliveryStatus.Succeeded, d.Status));
    }

    [Fact]
    public async Task Batch_IsGivenUp_WhenTheFailureIsNotTheDatabaseBeingBusy()
    {
        var leased = await LeasedDeliveriesAsync(2);
        var broken = new FailingTransactions(1, () => new InvalidOperationException("broken"));

        var pending = await _recorder.RecordWhileBusyAsync(Scopes(broken), leased.Select(l => CallbackResult.Sent(l, Answered(200))).ToList(), TimeProvider.System, CancellationToken.None);

        Assert.Equal(0, pending);
        Assert.Equal(1, broken.Starts);
        // Left to their leases: polled and sent again once they run out.
        Assert.All((await StoredAsync()).Values, d =>
        {
            Assert.Equal(CallbackDeliveryStatus.Pending, d.Status);
            Assert.Equal(LeasedUntil, d.LeasedUntil);
        });
    }
}
