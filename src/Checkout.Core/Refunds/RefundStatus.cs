namespace Checkout.Core.Refunds;

/// <summary>
/// Where a refund is: <c>pending</c> (made, not yet with the processor or queued there),
/// <c>processing</c> (the processor is returning the money), then <c>succeeded</c> or <c>failed</c>.
/// </summary>
public enum RefundStatus
{
    Pending,
    Processing,
    Succeeded,
    Failed,
}

public static class RefundStatusExtensions
{
    public static bool IsFinal(this RefundStatus status) => status is RefundStatus.Succeeded or RefundStatus.Failed;

    /// <summary>The snake_case name used in JSON and the database.</summary>
    public static string ToApiName(this RefundStatus status) => status switch
    {
        RefundStatus.Pending => "pending",
        RefundStatus.Processing => "processing",
        RefundStatus.Succeeded => "succeeded",
        RefundStatus.Failed => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    public static bool TryParseApiName(string? name, out RefundStatus status)
    {
        foreach (var candidate in Enum.GetValues<RefundStatus>())
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
