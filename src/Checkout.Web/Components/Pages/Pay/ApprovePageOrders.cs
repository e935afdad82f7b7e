using Checkout.Core.Data;
using Checkout.Core.Orders;
using Checkout.Core.Payments;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Web.Components.Pages.Pay;

/// <summary>What the approve page shows: the order as it stands, whom it pays, and the shopper's wallet in its currency.</summary>
public sealed record ApprovalView(Order Order, string MerchantName, long WalletBalance);

/// <summary>An Approve click's result: the refreshed view and, when the payment did not go through, why.</summary>
public sealed record ApprovalOutcome(ApprovalView View, PaymentError? Error);

/// <summary>
/// The approve page's reads and writes. A circuit lives for minutes, so each call opens its own scope
/// (and DbContext): the page never holds tracked entities that another tab may have changed meanwhile.
/// </summary>
public sealed class ApprovePageOrders(IServiceScopeFactory scopes, TimeProvider clock)
{
    /// <summary>The order's view, or null when no order has this id. An unpaid order past expires_at is expired first.</summary>
    public async Task<ApprovalView?> LoadAsync(string orderId, string shopperId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CheckoutDbContext>();
        var order = await db.Orders.SingleOrDefaultAsync(o => o.Id == orderId, cancellationToken);
        if (order is null) return null;
        order = await ExpireIfDueAsync(db, order, cancellationToken);
        return await DescribeAsync(db, order, shopperId, cancellationToken);
    }

    public async Task<ApprovalOutcome> ApproveAsync(string orderId, PaymentChoice choice, string shopperId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<OrderPayments>()
            .ConfirmAsync(orderId, merchantId: null, choice, cancellationToken);
        var db = scope.ServiceProvider.GetRequiredService<CheckoutDbContext>();
        return new ApprovalOutcome(await DescribeAsync(db, result.Order, shopperId, cancellationToken), result.Error);
    }

    public async Task<ApprovalView> CancelAsync(string orderId, string shopperId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var order = (await scope.ServiceProvider.GetRequiredService<OrderPayments>()
            .CancelAsync(orderId, merchantId: null, cancellationToken)).Order;
        var db = scope.ServiceProvider.GetRequiredService<CheckoutDbContext>();
        return await DescribeAsync(db, order, shopperId, cancellationToken);
    }

    // The expiry job does this within seconds anyway; doing it here means the page and the
    // "Return to shop" link say "expired" at once instead of a stale "created".
    private async Task<Order> ExpireIfDueAsync(CheckoutDbContext db, Order order, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (order.Status is not (OrderStatus.Created or OrderStatus.RequiresAction) || !order.IsExpiredAt(now))
            return order;
        order.Expire(now);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return order;
        }
        catch (DbUpdateConcurrencyException)
        {
            // The expiry job or a payment got there first: show whatever won.
            db.ChangeTracker.Clear();
            return await db.Orders.AsNoTracking().SingleAsync(o => o.Id == order.Id, cancellationToken);
        }
    }

    private static async Task<ApprovalView> DescribeAsync(CheckoutDbContext db, Order order, string shopperId, CancellationToken cancellationToken)
    {
        var merchantName = await db.Merchants.AsNoTracking()
            .Where(m => m.Id == order.MerchantId).Select(m => m.Name).SingleAsync(cancellationToken);
        var balance = await db.WalletBalances.AsNoTracking()
            .Where(w => w.ShopperId == shopperId && w.Currency == order.Currency)
            .Select(w => (long?)w.Amount).SingleOrDefaultAsync(cancellationToken);
        return new ApprovalView(order, merchantName, balance ?? 0);
    }
}
