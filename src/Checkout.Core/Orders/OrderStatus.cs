namespace Checkout.Core.Orders;

/// <summary>Where an order is in its life; see DESIGN.md's status machine.</summary>
public enum OrderStatus
{
    Created,
    RequiresAction,
    Processing,
    Authorized,
    Succeeded,
    Failed,
    Canceled,
    Expired,
}

public enum CaptureMethod
{
    Automatic,
    Manual,
}

public static class OrderStatusExtensions
{
    public static bool IsFinal(this OrderStatus status) =>
        status is OrderStatus.Succeeded or OrderStatus.Failed or OrderStatus.Canceled or OrderStatus.Expired;

    /// <summary>The shopper goes back to success_url for these, to error_url for every other status.</summary>
    public static bool RedirectsToSuccess(this OrderStatus status) =>
        status is OrderStatus.Succeeded or OrderStatus.Authorized or OrderStatus.Processing;

    /// <summary>The snake_case name used in JSON, query strings and the database.</summary>
    public static string ToApiName(this OrderStatus status) => status switch
    {
        OrderStatus.Created => "created",
        OrderStatus.RequiresAction => "requires_action",
        OrderStatus.Processing => "processing",
        OrderStatus.Authorized => "authorized",
        OrderStatus.Succeeded => "succeeded",
        OrderStatus.Failed => "failed",
        OrderStatus.Canceled => "canceled",
        OrderStatus.Expired => "expired",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    public static bool TryParseApiName(string? name, out OrderStatus status)
    {
        foreach (var candidate in Enum.GetValues<OrderStatus>())
        {
            if (candidate.ToApiName() == name)
            {
                status = candidate;
                return true;
            }
        }
        status = default;
        return false;
    }
}
