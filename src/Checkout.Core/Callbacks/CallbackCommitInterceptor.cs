using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Checkout.Core.Callbacks;

/// <summary>
/// Wakes the dispatcher once a pending delivery is durable: right after SaveChanges when EF ran its
/// own transaction, or when the caller's transaction commits. Waking earlier would let the
/// dispatcher look before the row is visible; a rollback never wakes it.
/// </summary>
public sealed class CallbackCommitInterceptor(CallbackSignal signal) : SaveChangesInterceptor, IDbTransactionInterceptor
{
    private static readonly object Marker = new();
    // Per DbContext, without keeping contexts alive: "this save wrote deliveries", "this transaction owes a wake-up".
    private readonly ConditionalWeakTable<DbContext, object> _saving = new();
    private readonly ConditionalWeakTable<DbContext, object> _awaitingCommit = new();

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

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => Forget(eventData.Context, _saving);

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Forget(eventData.Context, _saving);
        return Task.CompletedTask;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => OnCommitted(eventData.Context);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        OnCommitted(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Forget(eventData.Context, _awaitingCommit);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Forget(eventData.Context, _awaitingCommit);
        return Task.CompletedTask;
    }

    private void NoteOutboxWork(DbContext? context)
    {
        if (context is null) return;
        var writesPending = context.ChangeTracker.Entries<CallbackDelivery>().Any(e =>
            e.State is EntityState.Added or EntityState.Modified && e.Entity.Status == CallbackDeliveryStatus.Pending);
        if (writesPending) _saving.AddOrUpdate(context, Marker);
    }

    private void OnSaved(DbContext? context)
    {
        if (context is null || !_saving.Remove(context)) return;
        if (context.Database.CurrentTransaction is null) signal.Notify();
        else _awaitingCommit.AddOrUpdate(context, Marker);
    }

    private void OnCommitted(DbContext? context)
    {
        if (context is not null && _awaitingCommit.Remove(context)) signal.Notify();
    }

    private static void Forget(DbContext? context, ConditionalWeakTable<DbContext, object> table)
    {
        if (context is not null) table.Remove(context);
    }
}
