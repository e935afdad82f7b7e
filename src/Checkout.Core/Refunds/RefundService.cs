using Checkout.Core.Common;
using Checkout.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Checkout.Core.Refunds;

/// <summary>A refund made for a request, and whether it was made earlier for the same idempotency key.</summary>
public sealed record RefundOutcome(Refund Refund, bool Replayed);

/// <summary>
/// Makes refunds. The order is read and its refundable amount reserved inside one transaction, so
/// concurrent refunds of one order queue behind each other and each sees what the others took.
/// The processor is not called here: the background service hands the refund over.
/// </summary>
public sealed class RefundService(CheckoutDbContext db, TimeProvider clock, IOptions<RefundOptions> options, ILogger<RefundService> logger)
{
    private const int MaxTries = 3;

    /// <summary>Makes a refund of one of <paramref name="merchantId"/>'s orders, or throws the rule it breaks.</summary>
    public async Task<RefundOutcome> CreateAsync(string merchantId, NewRefund request, CancellationToken cancellationToken)
    {
        // Under an Idempotency-Key the filter's transaction is already open: join it, so the stored response commits with us.
        var ambient = db.Database.CurrentTransaction is not null;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                // On SQLite this begins IMMEDIATE: refunds of one order (and batch items) queue here.
                await using var transaction = ambient ? null : await db.Database.BeginTransactionAsync(cancellationToken);
                if (request.IdempotencyKey is { } key
                    && await db.Refunds.AsNoTracking().SingleOrDefaultAsync(r => r.MerchantId == merchantId && r.IdempotencyKey == key, cancellationToken) is { } earlier)
                {
                    return earlier.IsSameRequest(request)
                        ? new RefundOutcome(earlier, Replayed: true)
                        : throw new DomainException("idempotency_key_reused", $"idempotency_key '{key}' was already used for a different refund ({earlier.Id}).");
                }

                var order = await db.Orders.SingleOrDefaultAsync(o => o.Id == request.OrderId && o.MerchantId == merchantId, cancellationToken)
                    ?? throw new DomainException("order_not_found", $"No order '{request.OrderId}'.");
                var refund = order.CreateRefund(request, options.Value.Window, clock.GetUtcNow());
                db.Refunds.Add(refund);
                await db.SaveChangesAsync(cancellationToken);
                if (transaction is not null) await transaction.CommitAsync(cancellationToken);
                logger.LogInformation("Refund {RefundId} of {Amount} {Currency} made for order {OrderId}", refund.Id, refund.Amount, refund.Currency, order.Id);
                return new RefundOutcome(refund, Replayed: false);
            }
            catch (DbUpdateException) when (!ambient && attempt < MaxTries)
            {
                // Another writer changed the order, or took the same idempotency key, first (PostgreSQL path;
                // SQLite's IMMEDIATE transactions never get here): read again and decide again.
                db.ChangeTracker.Clear();
            }
        }
    }
}
