using Checkout.Core.Common;
using Checkout.Core.Data;
using Checkout.Core.Payments.Processors;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Checkout.Core.Refunds;

/// <summary>
/// Drives refunds through their statuses: hands each new refund to the processor that holds the
/// payment, then asks it about refunds in flight until they succeed or fail. Each refund is leased in
/// the database first (its next_check_at moved past the lease), so several instances, or a restart
/// after a crash, never work on one refund at the same time.
/// </summary>
public sealed class RefundProcessingService(
    IServiceScopeFactory scopes,
    TimeProvider clock,
    IOptions<RefundOptions> options,
    ILogger<RefundProcessingService> logger) : BackgroundService
{
    private RefundOptions Options => options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Options.PollInterval, clock);
        do
        {
            try
            {
                await ProcessDueRefundsAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(ex, "Refund pass failed; trying again on the next tick.");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One pass over refunds that are due; returns how many this instance advanced.</summary>
    public async Task<int> ProcessDueRefundsAsync(CancellationToken cancellationToken)
    {
        List<string> due;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CheckoutDbContext>();
            var now = clock.GetUtcNow();
            due = await db.Refunds.AsNoTracking()
                .Where(r => (r.Status == RefundStatus.Pending || r.Status == RefundStatus.Processing) && r.NextCheckAt <= now)
                .OrderBy(r => r.NextCheckAt)
                .Select(r => r.Id)
                .Take(Options.PassSize)
                .ToListAsync(cancellationToken);
        }

        var advanced = 0;
        // Processors answer over the network; a few at a time keeps one slow answer from holding up the rest.
        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken }, async (id, token) =>
        {
            if (await AdvanceAsync(id, token)) Interlocked.Increment(ref advanced);
        });
        return advanced;
    }

    /// <summary>Leases one refund and moves it on by the processor's answer; false when it was not due or another worker has it.</summary>
    public async Task<bool> AdvanceAsync(string refundId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CheckoutDbContext>();
        var leasedAt = clock.GetUtcNow();
        var leaseEnd = leasedAt + Options.LeaseDuration;
        var leased = await db.Refunds
            .Where(r => r.Id == refundId && (r.Status == RefundStatus.Pending || r.Status == RefundStatus.Processing) && r.NextCheckAt <= leasedAt)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.NextCheckAt, leaseEnd), cancellationToken);
        if (leased == 0) return false;

        // Once leased, finish even if the host is stopping: abandoning the work after the processor has
        // taken the refund, but before its reference is saved, would hand the same refund over twice.
        var finish = CancellationToken.None;
        try
        {
            // The wallet credits the shopper in this same DbContext: balance and refund commit together.
            await using var transaction = await db.Database.BeginTransactionAsync(finish);
            var refund = await db.Refunds.SingleAsync(r => r.Id == refundId, finish);
            var order = await db.Orders.SingleAsync(o => o.Id == refund.OrderId, finish);
            var processor = scope.ServiceProvider.GetServices<IPaymentProcessor>().SingleOrDefault(p => p.Name == (refund.Processor ?? order.Processor))
                ?? throw new DomainException("processor_unavailable", $"Processor '{refund.Processor ?? order.Processor}' is not configured.");

            if (!refund.IsSubmitted)
            {
                var result = await processor.RefundAsync(order.ProcessorReference!, refund.Amount, finish);
                order.RecordRefundSubmitted(refund, processor.Name, result, clock.GetUtcNow());
            }
            else
            {
                var result = await processor.GetRefundAsync(refund.ProcessorReference!, finish);
                order.RecordRefundStatus(refund, result, clock.GetUtcNow());
            }
            refund.ScheduleCheck(clock.GetUtcNow() + Options.PollInterval);
            await db.SaveChangesAsync(finish);
            await transaction.CommitAsync(finish);
            if (refund.IsFinal)
                logger.LogInformation("Refund {RefundId} of order {OrderId} {Status} {FailureReason}", refund.Id, order.Id, refund.Status.ToApiName(), refund.FailureReason);
            return true;
        }
        catch (Exception ex)
        {
            // The lease stays: the refund is tried again once it runs out, not in a tight loop.
            logger.LogError(ex, "Refund {RefundId} could not be advanced; retrying after {Lease}", refundId, Options.LeaseDuration);
            return false;
        }
    }
}
