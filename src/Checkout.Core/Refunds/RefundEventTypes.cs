namespace Checkout.Core.Refunds;

/// <summary>Event types merchants receive for refunds (at the order's callback_url).</summary>
public static class RefundEventTypes
{
    public const string Created = "refund.created";
    /// <summary>Any status change, failures included, so one handler can keep a merchant's copy in step.</summary>
    public const string Updated = "refund.updated";
    /// <summary>Sent besides refund.updated when the processor could not return the money.</summary>
    public const string Failed = "refund.failed";
}
