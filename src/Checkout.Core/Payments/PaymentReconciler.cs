using System.Linq.Expressions;
using Checkout.Core.Data;
using Checkout.Core.Orders;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Checkout.Core.Payments;

/// <summary>How many orders one reconciliation pass handled of each kind, and how many it could not handle (logged; tried again next pass).</summary>
public sealed record ReconciliationPass(int LateAuthorizations, int StaleAuthorizations, int DueDisputes, int Failures);

/// <summary>
/// Settles what the processor decides later, on a schedule: late authorizations (<c>processing</c>),
/// authorizations left uncaptured past <see cref="PaymentOptions.AuthorizationTtl"/>, and disputes
/// that have fallen due. Each order goes through <see cref="OrderPayments"/> in its own scope and
/// transaction, which re-reads the order and checks its state, so two reconcilers (two instances, or
/// a manual pass racing the background loop) produce one transition and one callback: the loser finds nothing to do.
/// </summary>
public sealed class PaymentReconciler(
    IServiceScopeFactory scopes,
    TimeProvider clock,
    IOptions<PaymentOptions> options,
    ILogger<PaymentReconciler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await RunOnceAsync(stoppingToken);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    logger.LogError(ex, "Payment reconciliation failed; trying again after the interval.");
                }
                // A pause after each pass rather than a periodic timer: when the clock jumps (a test clock,
                // a suspended VM) one pass follows, not one for every interval skipped.
                await Task.Delay(options.Value.ReconcileInterval, clock, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    /// <summary>One pass over everything due now. A failing order is logged and skipped; the next pass tries it again.</summary>
    public async Task<ReconciliationPass> RunOnceAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var authorizedBefore = now - options.Value.AuthorizationTtl;

        var (late, failedLate) = await ForEachAsync("Reconciliation", o => o.Status == OrderStatus.Processing,
            (payments, id, ct) => payments.ReconcileAsync(id, ct), cancellationToken);
        var (stale, failedStale) = await ForEachAsync("Authorization expiry",
            o => o.Status == OrderStatus.Authorized && o.AuthorizedAt <= authorizedBefore,
            (payments, id, ct) => payments.ExpireAuthorizationAsync(id, ct), cancellationToken);
        var (disputes, failedDisputes) = await ForEachAsync("Dispute opening",
            o => o.Dispute != null && o.Dispute.Status == OrderDispute.ScheduledStatus && o.Dispute.OpensAt <= now,
            (payments, id, ct) => payments.OpenDueDisputeAsync(id, ct), cancellationToken);

        return new ReconciliationPass(late, stale, disputes, failedLate + failedStale + failedDisputes);
    }

    /// <summary>
    /// Runs <paramref name="action"/> on every order matching <paramref name="due"/>, read in pages by id
    /// so memory stays bounded and orders that stay put (a still-pending authorization, a failure) do
    /// not hide the ones after them.
    /// </summary>
    private async Task<(int Handled, int Failed)> ForEachAsync(string what, Expression<Func<Order, bool>> due,
        Func<OrderPayments, string, CancellationToken, Task<PaymentOutcome>> action, CancellationToken cancellationToken)
    {
        var batchSize = Math.Max(1, options.Value.ReconcileBatchSize);
        var handled = 0;
        var failed = 0;
        string? after = null;
        while (true)
        {
            List<string> ids;
            await using (var scope = scopes.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<CheckoutDbContext>();
                var query = db.Orders.AsNoTracking().Where(due);
                if (after is not null) query = query.Where(o => string.Compare(o.Id, after) > 0);
                ids = await query.OrderBy(o => o.Id).Select(o => o.Id).Take(batchSize).ToListAsync(cancellationToken);
            }

            foreach (var id in ids)
            {
                try
                {
                    await using var scope = scopes.CreateAsyncScope();
                    await action(scope.ServiceProvider.GetRequiredService<OrderPayments>(), id, cancellationToken);
                    handled++;
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    failed++;
                    logger.LogWarning(ex, "{Work} failed for order {OrderId}; the next pass tries again.", what, id);
                }
            }

            if (ids.Count < batchSize) return (handled, failed);
            after = ids[^1];
        }
    }
}
