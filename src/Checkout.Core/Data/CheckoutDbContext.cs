using System.Data.Common;
using Checkout.Core.Callbacks;
using Checkout.Core.Common;
using Checkout.Core.Idempotency;
using Checkout.Core.Merchants;
using Checkout.Core.Orders;
using Checkout.Core.Shoppers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Microsoft.Extensions.DependencyInjection;

namespace Checkout.Core.Data;

public class CheckoutDbContext : DbContext
{
    /// <summary>
    /// One constructor, as context pooling requires. The outbox clock is the application's <see cref="TimeProvider"/>
    /// when the options come from a host (AddDbContext or a pooled factory), so outbox rows carry the same time as
    /// everything else; a context built by hand uses the system clock.
    /// </summary>
    public CheckoutDbContext(DbContextOptions<CheckoutDbContext> options) : base(options) =>
        Clock = options.FindExtension<CoreOptionsExtension>()?.ApplicationServiceProvider?.GetService<TimeProvider>() ?? TimeProvider.System;

    public DbSet<Merchant> Merchants => Set<Merchant>();
    public DbSet<Shopper> Shoppers => Set<Shopper>();
    public DbSet<WalletBalance> WalletBalances => Set<WalletBalance>();
    public DbSet<SavedCard> SavedCards => Set<SavedCard>();
    public DbSet<Order> Orders => Set<Order>();
    public DbSet<Core.Refunds.Refund> Refunds => Set<Core.Refunds.Refund>();
    public DbSet<CallbackEvent> CallbackEvents => Set<CallbackEvent>();
    public DbSet<CallbackDelivery> CallbackDeliveries => Set<CallbackDelivery>();
    public DbSet<CallbackAttempt> CallbackAttempts => Set<CallbackAttempt>();
    public DbSet<IdempotencyRecord> IdempotencyRecords => Set<IdempotencyRecord>();
    public DbSet<StoredSecret> StoredSecrets => Set<StoredSecret>();
    public DbSet<DataProtectionKeyRow> DataProtectionKeys => Set<DataProtectionKeyRow>();

    /// <summary>The time stamped on outbox rows.</summary>
    public TimeProvider Clock { get; }

    /// <summary>While this context runs a unit of the group-commit writer: the writer's own save, inside its transaction.</summary>
    internal (PreparedSave Save, DbTransaction Transaction)? JoinedWriter { get; set; }

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(CheckoutDbContext).Assembly);

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite cannot compare or sort DateTimeOffset; as UTC ticks they order correctly on every provider.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        var (raised, outbox) = WriteOutbox();
        var result = SaveOnWriter(outbox, acceptAllChangesOnSuccess) ?? SaveTracked(outbox, acceptAllChangesOnSuccess);
        ClearRaised(raised);
        return result;
    }

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        var (raised, outbox) = WriteOutbox();
        // Microsoft.Data.Sqlite runs every command synchronously: the writer's save loses nothing by being synchronous.
        var result = SaveOnWriter(outbox, acceptAllChangesOnSuccess) ?? await SaveTrackedAsync(outbox, acceptAllChangesOnSuccess, cancellationToken);
        ClearRaised(raised);
        return result;
    }

    // Inside a unit of the group-commit writer its own save writes the changes, and the outbox rows without tracking them.
    private int? SaveOnWriter(List<object> outbox, bool acceptAllChangesOnSuccess) =>
        JoinedWriter is var (save, transaction) ? save.TrySave(this, transaction, acceptAllChangesOnSuccess, outbox) : null;

    private int SaveTracked(List<object> outbox, bool acceptAllChangesOnSuccess)
    {
        AddRange(outbox);
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    private Task<int> SaveTrackedAsync(List<object> outbox, bool acceptAllChangesOnSuccess, CancellationToken cancellationToken)
    {
        AddRange(outbox);
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    /// <summary>
    /// The transactional outbox: events raised by entities become rows (an event, and a delivery when the source has
    /// a callback URL) in the same save as the change. Returns the sources and the rows, events before their deliveries.
    /// </summary>
    private (List<IEventSource> Raised, List<object> Rows) WriteOutbox()
    {
        var raised = ChangeTracker.TrackedEntries<IEventSource>().Select(e => e.Entity).Where(s => s.RaisedEvents.Count > 0).ToList();
        var rows = new List<object>();
        var now = Clock.GetUtcNow();
        foreach (var source in raised)
        {
            foreach (var raisedEvent in source.RaisedEvents)
            {
                var callbackEvent = CallbackEvent.Create(source.MerchantId, raisedEvent.Type, raisedEvent.DataObject(), now);
                rows.Add(callbackEvent);
                if (source.CallbackUrl is not null) rows.Add(CallbackDelivery.Create(callbackEvent, source.CallbackUrl, now));
            }
        }
        return (raised, rows);
    }

    private static void ClearRaised(List<IEventSource> raised)
    {
        foreach (var source in raised) source.ClearRaisedEvents();
    }
}
