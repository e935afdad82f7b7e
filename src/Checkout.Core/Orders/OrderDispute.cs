namespace Checkout.Core.Orders;

/// <summary>A shopper's bank disputing a captured payment. Scheduled when the processor says one is coming, open from then on.</summary>
public sealed class OrderDispute
{
    private OrderDispute() { }

    public string Id { get; private set; } = null!;
    /// <summary>scheduled (not yet reported by the processor), then needs_response.</summary>
    public string Status { get; private set; } = null!;
    public string Reason { get; private set; } = null!;
    public long Amount { get; private set; }
    public DateTimeOffset OpensAt { get; private set; }

    public bool IsOpen => Status != ScheduledStatus;

    internal const string ScheduledStatus = "scheduled";

    internal static OrderDispute Schedule(long amount, DateTimeOffset opensAt) => new()
    {
        Id = Common.Ids.New("dp"),
        Status = ScheduledStatus,
        Reason = "fraudulent",
        Amount = amount,
        OpensAt = opensAt,
    };

    internal void Open() => Status = "needs_response";
}
