using System.Data.Common;
using Checkout.Core.Callbacks;
using Checkout.Core.Common;
using Checkout.Core.Data;
using Checkout.Core.Merchants;
using Checkout.Core.Shoppers;
using Checkout.UnitTests.Orders;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Checkout.UnitTests.Data;

/// <summary>
/// A SQLite file with a merchant and a shopper's empty wallet, and a group-commit writer over it with the app's
/// interceptors: the write gate, the outbox (handing deliveries to <see cref="HandOff"/>), the writer's statements.
/// </summary>
public sealed class WriterDatabase : IAsyncDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"group-commit-{Guid.NewGuid():N}.db");
    private readonly CallbackCommitInterceptor _outbox;
    private readonly WriterStatements _statements = new();

    private readonly IInterceptor[] _more;

    /// <param name="more">Interceptors added after the app's.</param>
    public WriterDatabase(params IInterceptor[] more)
    {
        _more = more;
        _outbox = new CallbackCommitInterceptor(new CallbackSignal(), HandOff, new FakeTimeProvider(OrderBuilder.Now),
            Microsoft.Extensions.Options.Options.Create(new CallbackOptions()));
    }

    public SqliteWriteGate Gate { get; } = new(TimeSpan.FromSeconds(30));
    public CallbackHandOff HandOff { get; } = new();
    public GroupCommit GroupCommit { get; private set; } = null!;
    public string ShopperId { get; private set; } = null!;

    /// <summary>Every command EF ran through a context of this database, in order.</summary>
    public CommandLog Commands { get; } = new();

    private DbContextOptions<CheckoutDbContext> Options => new DbContextOptionsBuilder<CheckoutDbContext>()
        .UseSqlite($"Data Source={_file};Default Timeout=30")
        .AddInterceptors([Gate, _outbox, _statements, Commands, .. _more])
        .Options;

    public CheckoutDbContext NewContext() => new(Options);

    public async Task InitializeAsync()
    {
        await using var db = NewContext();
        await db.Database.EnsureCreatedAsync();
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        db.Merchants.Add(Merchant.Create("demo_merchant", "Demo", "secret", "whsec", ["shop.example"], OrderBuilder.Now));
        var shopper = Shopper.Create("ada@example.com", "hash", OrderBuilder.Now);
        db.Shoppers.Add(shopper);
        db.WalletBalances.Add(WalletBalance.Open(shopper.Id, Currency.Find("EUR"), 0));
        await db.SaveChangesAsync();
        ShopperId = shopper.Id;
        GroupCommit = new GroupCommit(new PooledDbContextFactory<CheckoutDbContext>(Options));
        HandOff.Open();
    }

    public ValueTask DisposeAsync()
    {
        GroupCommit?.Dispose();
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" }) File.Delete(_file + suffix);
        return ValueTask.CompletedTask;
    }

    public async Task<long> BalanceAsync()
    {
        await using var db = NewContext();
        return (await db.WalletBalances.AsNoTracking().SingleAsync(w => w.ShopperId == ShopperId)).Amount;
    }

    public List<LeasedCallback> HandedOver()
    {
        var taken = new List<LeasedCallback>();
        while (HandOff.TryTake(out var callback)) taken.Add(callback);
        return taken;
    }

    public sealed class CommandLog : DbCommandInterceptor
    {
        private readonly List<string> _texts = [];

        public IReadOnlyList<string> Texts
        {
            get
            {
                lock (_texts) return [.. _texts];
            }
        }

        private void Note(DbCommand command)
        {
            lock (_texts) _texts.Add(command.CommandText);
        }

        public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
        {
            Note(command);
            return result;
        }

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Note(command);
            return ValueTask.FromResult(result);
        }

        public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
        {
            Note(command);
            return result;
        }

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result,
            CancellationToken cancellationToken = default)
        {
            Note(command);
            return ValueTask.FromResult(result);
        }
    }
}
