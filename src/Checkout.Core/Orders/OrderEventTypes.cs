namespace Checkout.Core.Orders;

/// <summary>Event types merchants receive for orders and their disputes.</summary>
public static class OrderEventTypes
{
    public const string Succeeded = "order.succeeded";
    public const string Authorized = "order.authorized";
    public const string PaymentFailed = "order.payment_failed";
    public const string Failed = "order.failed";
    public const string Canceled = "order.canceled";
    public const string Expired = "order.expired";
    public const string DisputeCreated = "dispute.created";
}
