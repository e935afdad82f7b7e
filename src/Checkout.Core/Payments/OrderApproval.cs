using Checkout.Core.Common;
using Checkout.Core.Data;
using Checkout.Core.Orders;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Checkout.Core.Payments;

/// <summary>The outcome of a shopper's Approve: the order as it now stands, and the error if the payment did not go through.</summary>
public sealed record ApprovalResult(Order Order, PaymentError? Error);

/// <summary>
/// Runs a shopper's approval: charge and capture commit in one transaction, and a second approval
/// (double click, second tab) finds the order already paid and charges nothing.
/// </summary>
public sealed class OrderApproval(CheckoutDbContext db, IEnumerable<IPaymentMethod> paymentMethods, TimeProvider clock, ILogger<OrderApproval> logger)
{
    public async Task<ApprovalResult> ApproveAsync(string orderId, string shopperId, string paymentMethodType, CancellationToken cancellationToken)
    {
        var method = paymentMethods.SingleOrDefault(m => m.Type == paymentMethodType)
            ?? throw new DomainException("payment_method_not_supported", $"Payment method '{paymentMethodType}' is not supported.");

        try
        {
            // On SQLite this begins IMMEDIATE: concurrent approvals queue here and each sees the other's commit.
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var order = await db.Orders.SingleAsync(o => o.Id == orderId, cancellationToken);
            var now = clock.GetUtcNow();
            if (!order.IsPayableAt(now))
                return new ApprovalResult(order, null);

            var error = await method.ChargeAsync(order, shopperId, cancellationToken);
            if (error is null) order.Succeed(shopperId, method.Type, now);
            else order.RecordPaymentFailure(shopperId, error, now);

            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            logger.LogInformation("Order {OrderId} approval by {ShopperId} with {PaymentMethod}: {Status} {ErrorCode}",
                order.Id, shopperId, method.Type, order.Status.ToApiName(), error?.Code);
            return new ApprovalResult(order, error);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Another writer changed the order or balance first (PostgreSQL path): report what now stands.
            db.ChangeTracker.Clear();
            var current = await db.Orders.AsNoTracking().SingleAsync(o => o.Id == orderId, cancellationToken);
            return new ApprovalResult(current, null);
        }
    }

    /// <summary>
    /// The shopper gives up on the approve page. Only an order still waiting for payment is canceled;
    /// one that was paid, canceled or expired meanwhile (another tab, the expiry job) is returned as it stands.
    /// </summary>
    public async Task<Order> CancelByShopperAsync(string orderId, string shopperId, CancellationToken cancellationToken)
    {
        try
        {
            // Same queueing as ApproveAsync, so a cancel and an approve in two tabs cannot both win.
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var order = await db.Orders.SingleAsync(o => o.Id == orderId, cancellationToken);
            var now = clock.GetUtcNow();
            if (!order.IsPayableAt(now))
                return order;

            order.Cancel(now);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            logger.LogInformation("Order {OrderId} canceled by shopper {ShopperId}", order.Id, shopperId);
            return order;
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return await db.Orders.AsNoTracking().SingleAsync(o => o.Id == orderId, cancellationToken);
        }
    }
}
