namespace Checkout.Core.Common;

/// <summary>An event an entity raised: its type and, read at save time, the object it carries.</summary>
public sealed record RaisedEvent(string Type, Func<object> DataObject);

/// <summary>
/// An entity whose changes merchants hear about. Saving the DbContext turns its raised events into
/// outbox rows (and deliveries to <see cref="CallbackUrl"/>) in the same transaction as the change.
/// </summary>
public interface IEventSource
{
    string MerchantId { get; }
    string? CallbackUrl { get; }
    IReadOnlyList<RaisedEvent> RaisedEvents { get; }
    void ClearRaisedEvents();
}
