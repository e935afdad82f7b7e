using Checkout.Core.Orders;

namespace Checkout.Core.Refunds;

/// <summary>The public JSON form of a refund, used by the API, inside orders and in refund.* events.</summary>
public sealed record RefundResource(
    string Id,
    string Object,
    string OrderId,
    long Amount,
    string Currency,
    RefundStatus Status,
    string? Reason,
    string? FailureReason,
    IReadOnlyDictionary<string, string> Metadata,
    DateTimeOffset CreatedAt)
{
    public static RefundResource From(Refund refund) => new(
        refund.Id, "refund", refund.OrderId, refund.Amount, refund.Currency, refund.Status, refund.Reason,
        refund.FailureReason, refund.Metadata, refund.CreatedAt);

    /// <summary>An order's refunds as the API shows them: newest first, like every list.</summary>
    public static IReadOnlyList<RefundResource> ListOf(Order order) =>
        order.Refunds.OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id, StringComparer.Ordinal).Select(From).ToList();
}
