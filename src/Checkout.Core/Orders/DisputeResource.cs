namespace Checkout.Core.Orders;

/// <summary>The public JSON form of a dispute (inside orders and dispute.* events).</summary>
public sealed record DisputeResource(string Id, string Object, string OrderId, long Amount, string Currency, string Status, string Reason, DateTimeOffset CreatedAt)
{
    public static DisputeResource From(Order order) => new(
        order.Dispute!.Id, "dispute", order.Id, order.Dispute.Amount, order.Currency, order.Dispute.Status, order.Dispute.Reason, order.Dispute.OpensAt);
}
