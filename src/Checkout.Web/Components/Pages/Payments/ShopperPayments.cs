using Checkout.Core.Data;
using Checkout.Core.Orders;
using Checkout.Core.Refunds;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Web.Components.Pages.Payments;

/// <summary>One of the shopper's payments as My payments shows it.</summary>
public sealed record PaymentRow(
    string OrderId,
    DateTimeOffset CreatedAt,
    string MerchantName,
    string? Description,
    long Amount,
    string Currency,
    OrderStatus Status,
    long AmountCaptured,
    long AmountRefunded,
    IReadOnlyList<RefundRow> Refunds);

public sealed record RefundRow(string Id, long Amount, RefundStatus Status, string? FailureReason, DateTimeOffset CreatedAt);

/// <summary>The shopper's payments (orders they paid or tried to pay), newest first, with their refunds.</summary>
public static class ShopperPayments
{
    public const int MaxRows = 100;

    public static async Task<IReadOnlyList<PaymentRow>> LoadAsync(CheckoutDbContext db, string shopperId, CancellationToken cancellationToken)
    {
        // Three small reads instead of one wide join: the page re-reads every second or so.
        var orders = await db.Orders.AsNoTracking().IgnoreAutoIncludes()
            .Where(o => o.ShopperId == shopperId)
            .OrderByDescending(o => o.CreatedAt).ThenByDescending(o => o.Id)
            .Take(MaxRows)
            .Select(o => new { o.Id, o.CreatedAt, o.MerchantId, o.Description, o.Amount, o.Currency, o.Status, o.AmountCaptured, o.AmountRefunded })
            .ToListAsync(cancellationToken);
        if (orders.Count == 0) return [];

        var orderIds = orders.Select(o => o.Id).ToList();
        var refunds = (await db.Refunds.AsNoTracking()
                .Where(r => orderIds.Contains(r.OrderId))
                .Select(r => new { r.OrderId, Row = new RefundRow(r.Id, r.Amount, r.Status, r.FailureReason, r.CreatedAt) })
                .ToListAsync(cancellationToken))
            .ToLookup(r => r.OrderId, r => r.Row);
        var merchantIds = orders.Select(o => o.MerchantId).Distinct().ToList();
        var merchants = await db.Merchants.AsNoTracking()
            .Where(m => merchantIds.Contains(m.Id))
            .ToDictionaryAsync(m => m.Id, m => m.Name, cancellationToken);

        return orders.Select(o => new PaymentRow(
                o.Id, o.CreatedAt, merchants.GetValueOrDefault(o.MerchantId, o.MerchantId), o.Description, o.Amount, o.Currency, o.Status,
                o.AmountCaptured, o.AmountRefunded,
                refunds[o.Id].OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id, StringComparer.Ordinal).ToList()))
            .ToList();
    }

    /// <summary>A cheap "did anything change" key, so a re-read that finds nothing new does not re-render.</summary>
    public static string Fingerprint(IReadOnlyList<PaymentRow> rows) =>
        string.Join('|', rows.Select(p => $"{p.OrderId}:{p.Status}:{p.AmountRefunded}:" +
            string.Join(',', p.Refunds.Select(r => $"{r.Id}={r.Status}"))));
}
