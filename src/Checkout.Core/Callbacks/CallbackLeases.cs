using Checkout.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Checkout.Core.Callbacks;

/// <summary>
/// The database side of the poll: leasing due deliveries in a batch (retries, deliveries written
/// while no dispatcher took them in memory, and those a crashed instance held) and telling when the
/// next one can be taken.
/// </summary>
public static class CallbackLeases
{
    /// <summary>
    /// Leases up to <paramref name="count"/> due deliveries with one conditional UPDATE and reads what
    /// sending them needs. The condition is the lock: of several instances racing for a row, one
    /// changes it. Rows another instance took first are simply not returned.
    /// </summary>
    public static async Task<List<LeasedCallback>> LeaseDueAsync(
        CheckoutDbContext db, int count, DateTimeOffset now, TimeSpan leaseDuration, ILogger logger, CancellationToken cancellationToken)
    {
        var candidates = await Due(db, now).OrderBy(d => d.NextAttemptAt).Select(d => d.Id).Take(count).ToListAsync(cancellationToken);
        if (candidates.Count == 0) return [];

        DateTimeOffset? leasedUntil = LeaseExpiry.Unique(now, leaseDuration);
        // The same rows as Due(), but "neither succeeded nor failed" rather than "pending": SQLite then
        // finds them by primary key instead of walking every pending row of the (Status, NextAttemptAt) index.
        var won = await db.CallbackDeliveries
            .Where(d => candidates.Contains(d.Id)
                && d.Status != CallbackDeliveryStatus.Succeeded && d.Status != CallbackDeliveryStatus.Failed
                && d.NextAttemptAt <= now && (d.LeasedUntil == null || d.LeasedUntil <= now))
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.LeasedUntil, leasedUntil), cancellationToken);
        if (won == 0) return [];

        // The rows now holding this expiry are the ones won (and still pending: only their holder changes
        // them): no other instance of this process writes the same value, and another process would have
        // to hit the same millisecond.
        var leased = await (
                from d in db.CallbackDeliveries
                join e in db.CallbackEvents on d.EventId equals e.Id
                where candidates.Contains(d.Id) && d.LeasedUntil == leasedUntil
                select new LeasedCallback(d.Id, d.Url, e.Id, e.Body, d.MerchantId, d.AttemptCount + 1, leasedUntil.Value))
            .AsNoTracking().ToListAsync(cancellationToken);
        // More rows than won: another process did hit it, and which rows are whose cannot be told.
        // Sending none is safe: every one of them is retaken when the lease runs out.
        if (leased.Count == won) return leased;
        CallbackLog.LeaseExpiryShared(logger, won);
        return [];
    }

    /// <summary>
    /// How long until the next pending delivery can be taken (due, and any lease run out, e.g. a
    /// crashed instance's), but no longer than <paramref name="limit"/>.
    /// </summary>
    public static async Task<TimeSpan> TimeUntilNextDueAsync(CheckoutDbContext db, DateTimeOffset now, TimeSpan limit, CancellationToken cancellationToken)
    {
        var next = await db.CallbackDeliveries
            .Where(d => d.Status == CallbackDeliveryStatus.Pending)
            .Select(d => d.LeasedUntil != null && d.LeasedUntil > d.NextAttemptAt ? d.LeasedUntil : d.NextAttemptAt)
            .OrderBy(takeableAt => takeableAt)
            .FirstOrDefaultAsync(cancellationToken);
        if (next is null) return limit;
        var until = next.Value - now;
        return until <= TimeSpan.Zero ? TimeSpan.Zero : until < limit ? until : limit;
    }

    private static IQueryable<CallbackDelivery> Due(CheckoutDbContext db, DateTimeOffset now) =>
        db.CallbackDeliveries.Where(d => d.Status == CallbackDeliveryStatus.Pending && d.NextAttemptAt <= now
            && (d.LeasedUntil == null || d.LeasedUntil <= now));
}
