using System.Data.Common;
using Checkout.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Checkout.Core.Callbacks;

/// <summary>What became of one leased delivery: sent (with its outcome), or handed back unsent.</summary>
public sealed record CallbackResult(LeasedCallback Callback, CallbackOutcome? Outcome)
{
    public static CallbackResult Sent(LeasedCallback callback, CallbackOutcome outcome) => new(callback, outcome);

    public static CallbackResult Unsent(LeasedCallback callback) => new(callback, null);
}

/// <summary>
/// Records many results in one transaction: each sent delivery gets its attempt and its next step,
/// each unsent one its lease back. Only while the lease is still ours: a delivery whose lease ran out
/// and was retaken belongs to its new holder, and this result is dropped (the row's LeasedUntil is
/// a concurrency token, so the check holds up to the commit).
/// </summary>
public sealed class CallbackAttemptRecorder(IReadOnlyList<TimeSpan> retrySchedule, ILogger logger)
{
    /// <summary>
    /// Records the batch, trying again while the database is only busy (e.g. the single writer's queue
    /// is long under load): a result given up on means its callback is sent a second time once the
    /// lease runs out. Any other failure gives the batch up (logged); the leases run out and nothing is lost.
    /// Returns the deliveries recorded as still pending.
    /// </summary>
    public async Task<int> RecordWhileBusyAsync(IServiceScopeFactory scopes, IReadOnlyList<CallbackResult> results, TimeProvider clock, CancellationToken cancellationToken)
    {
        for (var retry = 0; ; retry++)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<CheckoutDbContext>();
                // A unit of the single writer when there is one: it runs inside the writer's open transaction instead of
                // holding the write lock for the whole batch while confirms queue behind it.
                return scope.ServiceProvider.GetService<GroupCommit>() is { } writer
                    ? await writer.RunAsync(db, _ => RecordAsync(db, results, cancellationToken))
                    : await RecordAsync(db, results, cancellationToken);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                if (!IsTransient(ex))
                {
                    CallbackLog.RecordingFailed(logger, ex, results.Count);
                    return 0;
                }
                CallbackLog.RecordingDelayed(logger, ex, results.Count);
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(1000, 50 << Math.Min(retry, 5))), clock, cancellationToken);
            }
        }
    }

    private static bool IsTransient(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
            if (e is TimeoutException or DbException { IsTransient: true }) return true;
        return false;
    }

    /// <summary>Records the batch once; returns the deliveries recorded as still pending (retries to come).</summary>
    public async Task<int> RecordAsync(CheckoutDbContext db, IReadOnlyList<CallbackResult> results, CancellationToken cancellationToken)
    {
        var ids = results.Select(r => r.Callback.DeliveryId).Distinct().ToList();
        var deliveries = await db.CallbackDeliveries.Where(d => ids.Contains(d.Id)).ToDictionaryAsync(d => d.Id, cancellationToken);

        var changes = new List<(CallbackResult Result, CallbackDelivery Delivery, CallbackAttempt? Attempt)>(results.Count);
        var changed = new HashSet<string>();
        foreach (var result in results)
        {
            if (!deliveries.TryGetValue(result.Callback.DeliveryId, out var delivery)
                || delivery.LeasedUntil != result.Callback.LeasedUntil || delivery.Status != CallbackDeliveryStatus.Pending
                || !changed.Add(delivery.Id))
            {
                CallbackLog.LeaseLost(logger, result.Callback.DeliveryId);
                continue;
            }
            if (result.Outcome is not { } outcome)
            {
                delivery.ReleaseLease();
                changes.Add((result, delivery, null));
                continue;
            }
            var attempt = delivery.RecordAttempt(outcome.StartedAt, outcome.Duration, outcome.StatusCode, outcome.Error, retrySchedule);
            changes.Add((result, delivery, attempt));
        }

        await SaveDroppingLostLeasesAsync(db, changes, cancellationToken);

        var retrying = 0;
        foreach (var (result, delivery, _) in changes)
        {
            if (result.Outcome is { } outcome) Log(result.Callback, outcome, delivery);
            if (delivery.Status == CallbackDeliveryStatus.Pending) retrying++;
        }
        return retrying;
    }

    /// <summary>
    /// One SaveChanges for the whole batch. A row whose lease was retaken between the read and the
    /// write fails the save (and rolls it back): leave that delivery out and save the rest again.
    /// </summary>
    private async Task SaveDroppingLostLeasesAsync(
        CheckoutDbContext db, List<(CallbackResult Result, CallbackDelivery Delivery, CallbackAttempt? Attempt)> changes, CancellationToken cancellationToken)
    {
        while (changes.Count > 0)
        {
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return;
            }
            catch (DbUpdateConcurrencyException ex)
            {
                var lost = ex.Entries.Select(e => e.Entity).OfType<CallbackDelivery>().ToHashSet();
                if (lost.Count == 0) throw;
                foreach (var change in changes.Where(c => lost.Contains(c.Delivery)))
                {
                    CallbackLog.LeaseLost(logger, change.Delivery.Id);
                    db.Entry(change.Delivery).State = EntityState.Detached;
                    if (change.Attempt is not null) db.Entry(change.Attempt).State = EntityState.Detached;
                }
                changes.RemoveAll(c => lost.Contains(c.Delivery));
            }
        }
    }

    private void Log(LeasedCallback callback, CallbackOutcome outcome, CallbackDelivery delivery)
    {
        switch (delivery.Status)
        {
            case CallbackDeliveryStatus.Succeeded:
                CallbackLog.Delivered(logger, callback.EventId, callback.Url, callback.AttemptNumber, outcome.StatusCode);
                break;
            case CallbackDeliveryStatus.Failed:
                CallbackLog.FailedForGood(logger, callback.EventId, callback.Url, callback.AttemptNumber, Answer(outcome));
                break;
            default:
                CallbackLog.WillRetry(logger, callback.EventId, callback.Url, callback.AttemptNumber, Answer(outcome), delivery.NextAttemptAt);
                break;
        }
    }

    private static string Answer(CallbackOutcome outcome) => outcome.Error ?? $"HTTP {outcome.StatusCode}";
}
