using Checkout.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Checkout.Core.Orders;

/// <summary>Moves unpaid orders past their expires_at to <c>expired</c> (and so sends <c>order.expired</c>).</summary>
public sealed class OrderExpiryService(IServiceScopeFactory scopes, TimeProvider clock, IOptions<OrderOptions> options, ILogger<OrderExpiryService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ExpirySweepInterval, clock);
        do
        {
            try
            {
                await ExpireDueOrdersAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(ex, "Expiry sweep failed; trying again on the next tick.");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One sweep; returns how many orders expired.</summary>
    public async Task<int> ExpireDueOrdersAsync(CancellationToken cancellationToken)
    {
        var expired = 0;
        while (true)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CheckoutDbContext>();
            var now = clock.GetUtcNow();
            var due = await db.Orders
                .Where(o => (o.Status == OrderStatus.Created || o.Status == OrderStatus.RequiresAction) && o.ExpiresAt <= now)
                .OrderBy(o => o.ExpiresAt)
                .Take(100)
                .ToListAsync(cancellationToken);
            if (due.Count == 0) return expired;

            foreach (var order in due) order.Expire(now);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                expired += due.Count;
            }
            catch (DbUpdateConcurrencyException)
            {
                // A shopper paid (or another instance expired) one of them meanwhile; the next pass re-reads.
            }
            if (due.Count < 100) return expired;
        }
    }
}
