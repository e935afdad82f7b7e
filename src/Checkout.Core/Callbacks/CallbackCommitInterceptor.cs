using System.Data.Common;
using System.Runtime.CompilerServices;
using Checkout.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;

namespace Checkout.Core.Callbacks;

/// <summary>
/// Passes deliveries to this instance's dispatcher once they are durable: right after SaveChanges
/// when EF ran its own transaction, or when the caller's transaction commits; a rollback passes
/// nothing. New deliveries are leased at birth (in the same save) and handed over in memory, so the
/// dispatcher sends them without reading the database; anything else pending that was written
/// (a redelivery, or new deliveries while the hand-off is closed or full) wakes the dispatcher's poll.
/// </summary>
public sealed class CallbackCommitInterceptor(
    CallbackSignal signal, CallbackHandOff handOff, TimeProvider clock, IOptions<CallbackOptions> options)
    : SaveChangesInterceptor, IDbTransactionInterceptor, ICommitFollower, ISaveFollower
{
    private sealed class Pending
    {
        public List<LeasedCallback> HandOff { get; } = [];
        public bool Wake { get; set; }

        public void Add(Pending other)
        {
            HandOff.AddRange(other.HandOff);
            Wake |= other.Wake;
        }
    }

    // What the running save wrote, per context; then what a transaction owes once it commits, per
    // transaction (a transaction disposed without commit simply takes its entry with it).
    private readonly ConditionalWeakTable<DbContext, Pending> _saving = new();
    private readonly ConditionalWeakTable<DbTransaction, Pending> _awaitingCommit = new();
    // Deliveries this interceptor leased at birth: a save that failed and is tried again leases them afresh.
    private readonly ConditionalWeakTable<CallbackDelivery, object> _leasedAtBirth = new();
    private static readonly object Marker = new();

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        NoteOutboxWork(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        NoteOutboxWork(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        OnSaved(eventData.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        OnSaved(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => Forget(eventData.Context);

    void ISaveFollower.Saving(DbContext context, IReadOnlyList<object> newRows) => NoteOutboxWork(context, newRows);

    void ISaveFollower.Saved(DbContext context) => OnSaved(context);

    void ISaveFollower.SaveFailed(DbContext context) => Forget(context);

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Forget(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => OnCommitted(transaction);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        OnCommitted(transaction);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => _awaitingCommit.Remove(transaction);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        _awaitingCommit.Remove(transaction);
        return Task.CompletedTask;
    }

    public int Mark(DbTransaction transaction) => _awaitingCommit.TryGetValue(transaction, out var owed) ? owed.HandOff.Count : 0;

    // A unit of a group commit was rolled back: its deliveries do not exist, so they must never be sent.
    public void RollBackTo(DbTransaction transaction, int mark)
    {
        if (_awaitingCommit.TryGetValue(transaction, out var owed) && owed.HandOff.Count > mark)
            owed.HandOff.RemoveRange(mark, owed.HandOff.Count - mark);
    }

    private void NoteOutboxWork(DbContext? context, IReadOnlyList<object>? newRows = null)
    {
        if (context is null) return;
        var pending = new Pending();
        Dictionary<string, CallbackEvent>? events = null;
        Dictionary<string, CallbackEvent> Events() => events ??= context.ChangeTracker.TrackedEntries<CallbackEvent>().Select(e => e.Entity)
            .Concat(newRows?.OfType<CallbackEvent>() ?? []).ToDictionary(e => e.Id);

        // Only deliveries are looked at: scanning every tracked entity for changes, as Entries() would, costs a save
        // as much again. A delivery that looks unchanged is checked on its own (a redelivery changed it in place).
        foreach (var entry in context.ChangeTracker.TrackedEntries<CallbackDelivery>())
        {
            if (entry.State == EntityState.Unchanged) entry.DetectChanges();
            if (entry.State is not (EntityState.Added or EntityState.Modified) || entry.Entity.Status != CallbackDeliveryStatus.Pending) continue;
            if (IsNewAndOurs(entry, entry.Entity)) LeaseAtBirth(entry.Entity, Events(), pending);
            else pending.Wake = true;
        }
        // New rows the writer inserts untracked: new, and nobody else's.
        foreach (var delivery in newRows?.OfType<CallbackDelivery>() ?? [])
            if (delivery.Status == CallbackDeliveryStatus.Pending) LeaseAtBirth(delivery, Events(), pending);
        if (pending.HandOff.Count > 0 || pending.Wake) _saving.AddOrUpdate(context, pending);
        else _saving.Remove(context);
    }

    // Leased in the save that inserts it and handed to this instance's dispatcher after the commit, when it takes
    // hand-offs; otherwise the dispatcher's poll is woken for it.
    private void LeaseAtBirth(CallbackDelivery delivery, Dictionary<string, CallbackEvent> events, Pending pending)
    {
        if (!handOff.IsAccepting || !events.TryGetValue(delivery.EventId, out var callbackEvent))
        {
            pending.Wake = true;
            return;
        }
        var leasedUntil = LeaseExpiry.After(clock.GetUtcNow(), options.Value.LeaseDuration);
        delivery.Lease(leasedUntil);
        _leasedAtBirth.AddOrUpdate(delivery, Marker);
        pending.HandOff.Add(new LeasedCallback(
            delivery.Id, delivery.Url, delivery.EventId, callbackEvent.Body, delivery.MerchantId, delivery.AttemptCount + 1, leasedUntil));
    }

    /// <summary>A delivery being inserted that nobody leased yet (or that this interceptor leased in an earlier, failed save).</summary>
    private bool IsNewAndOurs(EntityEntry<CallbackDelivery> entry, CallbackDelivery delivery)
    {
        if (entry.State != EntityState.Added) return false;
        if (delivery.LeasedUntil is null) return true;
        if (!_leasedAtBirth.TryGetValue(delivery, out _)) return false;
        delivery.ReleaseLease();
        return true;
    }

    private void OnSaved(DbContext? context)
    {
        if (context is null || !_saving.TryGetValue(context, out var pending)) return;
        _saving.Remove(context);
        if (context.Database.CurrentTransaction is { } transaction)
            _awaitingCommit.AddOrUpdate(transaction.GetDbTransaction(), Merge(transaction.GetDbTransaction(), pending));
        else
            Deliver(pending);
    }

    private Pending Merge(DbTransaction transaction, Pending pending)
    {
        // Several saves in one transaction: it owes all of them.
        if (!_awaitingCommit.TryGetValue(transaction, out var owed)) return pending;
        owed.Add(pending);
        return owed;
    }

    private void OnCommitted(DbTransaction transaction)
    {
        if (_awaitingCommit.TryGetValue(transaction, out var pending) && _awaitingCommit.Remove(transaction)) Deliver(pending);
    }

    private void Deliver(Pending pending)
    {
        if (pending.HandOff.Count > 0) handOff.Enqueue(pending.HandOff);
        if (pending.Wake) signal.Notify();
    }

    private void Forget(DbContext? context)
    {
        if (context is not null) _saving.Remove(context);
    }
}
