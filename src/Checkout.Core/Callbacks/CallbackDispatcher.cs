using Checkout.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Checkout.Core.Callbacks;

/// <summary>
/// Delivers the outbox: takes due pending deliveries, leases each in the database (so several
/// instances and a restart after a crash never lose or double-own one), POSTs up to
/// MaxConcurrency at once and records every attempt. Wakes on commit, otherwise polls.
/// </summary>
public sealed class CallbackDispatcher(
    IServiceScopeFactory scopes,
    CallbackSender sender,
    CallbackSignal signal,
    TimeProvider clock,
    IOptions<CallbackOptions> options,
    ILogger<CallbackDispatcher> logger) : BackgroundService
{
    private readonly CallbackOptions _options = options.Value;

    private sealed record LeasedDelivery(CallbackRequest Request, DateTimeOffset LeasedUntil);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var running = new List<Task>();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                TimeSpan wait;
                try
                {
                    running.RemoveAll(t => t.IsCompleted);
                    var free = _options.MaxConcurrency - running.Count;
                    var leased = free > 0 ? await LeaseDueAsync(free, stoppingToken) : [];
                    running.AddRange(leased.Select(d => DeliverAsync(d, stoppingToken)));
                    // Every slot taken: more may be due, so look again when a send finishes (it signals).
                    wait = leased.Count == free ? _options.PollInterval : await TimeUntilNextDueAsync(stoppingToken);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    logger.LogError(ex, "Callback dispatch failed; trying again after the poll interval.");
                    wait = _options.PollInterval;
                }
                await signal.WaitAsync(wait, clock, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        finally
        {
            // In-flight sends see the same token and stop at once; each releases its lease.
            await Task.WhenAll(running);
        }
    }

    /// <summary>Leases up to <paramref name="count"/> due deliveries; a row another instance leased first is skipped.</summary>
    private async Task<List<LeasedDelivery>> LeaseDueAsync(int count, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CheckoutDbContext>();
        var now = clock.GetUtcNow();
        var candidates = await Due(db, now).OrderBy(d => d.NextAttemptAt).Select(d => d.Id).Take(count).ToListAsync(cancellationToken);

        var leased = new List<LeasedDelivery>();
        DateTimeOffset? leaseUntil = now + _options.LeaseDuration;
        foreach (var id in candidates)
        {
            // The conditional UPDATE is the lock: of several instances racing for a row, one changes it.
            var won = await Due(db, now).Where(d => d.Id == id)
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.LeasedUntil, leaseUntil), cancellationToken);
            if (won != 1) continue;

            var delivery = await (
                from d in db.CallbackDeliveries
                join e in db.CallbackEvents on d.EventId equals e.Id
                join m in db.Merchants on d.MerchantId equals m.Id
                where d.Id == id
                select new { Request = new CallbackRequest(d.Id, d.Url, e.Id, e.Body, m.WebhookSecret, d.AttemptCount + 1), d.LeasedUntil })
                .AsNoTracking().SingleAsync(cancellationToken);
            // The stored value (not leaseUntil) is what the row holds, to the precision the column keeps.
            leased.Add(new LeasedDelivery(delivery.Request, delivery.LeasedUntil!.Value));
        }
        return leased;
    }

    private static IQueryable<CallbackDelivery> Due(CheckoutDbContext db, DateTimeOffset now) =>
        db.CallbackDeliveries.Where(d => d.Status == CallbackDeliveryStatus.Pending && d.NextAttemptAt <= now
            && (d.LeasedUntil == null || d.LeasedUntil <= now));

    /// <summary>
    /// Sleep until the next pending delivery can be taken (due, and any lease run out, e.g. a crashed
    /// instance's), but no longer than the poll interval.
    /// </summary>
    private async Task<TimeSpan> TimeUntilNextDueAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CheckoutDbContext>();
        var now = clock.GetUtcNow();
        var next = await db.CallbackDeliveries
            .Where(d => d.Status == CallbackDeliveryStatus.Pending)
            .Select(d => d.LeasedUntil != null && d.LeasedUntil > d.NextAttemptAt ? d.LeasedUntil : d.NextAttemptAt)
            .OrderBy(takeableAt => takeableAt)
            .FirstOrDefaultAsync(cancellationToken);
        if (next is null) return _options.PollInterval;
        var until = next.Value - now;
        return until <= TimeSpan.Zero ? TimeSpan.Zero : until < _options.PollInterval ? until : _options.PollInterval;
    }

    private async Task DeliverAsync(LeasedDelivery leased, CancellationToken stoppingToken)
    {
        try
        {
            var outcome = await sender.SendAsync(leased.Request, stoppingToken);
            // The POST happened: record it even if shutdown began meanwhile.
            await RecordAsync(leased, outcome);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            await ReleaseAsync(leased);
        }
        catch (Exception ex)
        {
            // The lease runs out and the delivery is tried again; nothing is lost.
            logger.LogError(ex, "Callback delivery {DeliveryId} could not be recorded.", leased.Request.DeliveryId);
        }
        finally
        {
            signal.Notify(); // a slot is free
        }
    }

    private async Task RecordAsync(LeasedDelivery leased, CallbackOutcome outcome)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CheckoutDbContext>();
        var delivery = await db.CallbackDeliveries.SingleOrDefaultAsync(d => d.Id == leased.Request.DeliveryId);
        if (delivery is null || delivery.LeasedUntil != leased.LeasedUntil || delivery.Status != CallbackDeliveryStatus.Pending)
        {
            LogLeaseLost(leased);
            return;
        }

        delivery.RecordAttempt(outcome.StartedAt, outcome.Duration, outcome.StatusCode, outcome.Error, _options.EffectiveRetrySchedule);
        try
        {
            await db.SaveChangesAsync();
        }
        catch (DbUpdateConcurrencyException)
        {
            LogLeaseLost(leased);
            return;
        }

        var request = leased.Request;
        var answer = outcome.Error ?? $"HTTP {outcome.StatusCode}";
        switch (delivery.Status)
        {
            case CallbackDeliveryStatus.Succeeded:
                logger.LogInformation("Callback {EventId} delivered to {Url} on attempt {Attempt} ({Answer}).",
                    request.EventId, request.Url, request.AttemptNumber, answer);
                break;
            case CallbackDeliveryStatus.Failed:
                logger.LogWarning("Callback {EventId} to {Url} failed for good after attempt {Attempt} ({Answer}); it can be redelivered by hand.",
                    request.EventId, request.Url, request.AttemptNumber, answer);
                break;
            default:
                logger.LogWarning("Callback {EventId} to {Url} attempt {Attempt} failed ({Answer}); retrying at {NextAttemptAt:O}.",
                    request.EventId, request.Url, request.AttemptNumber, answer, delivery.NextAttemptAt);
                break;
        }
    }

    /// <summary>Hands a delivery back on shutdown so the next start sends it at once instead of waiting out the lease.</summary>
    private async Task ReleaseAsync(LeasedDelivery leased)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2), clock);
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CheckoutDbContext>();
            DateTimeOffset? released = null;
            await db.CallbackDeliveries.Where(d => d.Id == leased.Request.DeliveryId && d.LeasedUntil == leased.LeasedUntil)
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.LeasedUntil, released), timeout.Token);
        }
        catch (Exception ex)
        {
            logger.LogDebug(ex, "Could not release callback delivery {DeliveryId}; its lease will run out.", leased.Request.DeliveryId);
        }
    }

    private void LogLeaseLost(LeasedDelivery leased) =>
        logger.LogWarning("Callback delivery {DeliveryId} was taken over by another dispatcher; its result is not recorded here.", leased.Request.DeliveryId);
}
