using System.Text.Json;
using Checkout.Core.Common;

namespace Checkout.Core.Callbacks;

/// <summary>
/// An outbox row: something that happened to a merchant's object. It is written in the same
/// transaction as the change, and its body is frozen so every delivery signs the same bytes.
/// </summary>
public class CallbackEvent
{
    private CallbackEvent() { }

    public string Id { get; private set; } = null!;
    public string MerchantId { get; private set; } = null!;
    public string Type { get; private set; } = null!;
    /// <summary>The exact JSON body POSTed to the merchant.</summary>
    public string Body { get; private set; } = null!;
    public DateTimeOffset CreatedAt { get; private set; }

    public static CallbackEvent Create(string merchantId, string type, object dataObject, DateTimeOffset now)
    {
        var id = Ids.NewTimeOrdered("evt", now);
        var body = JsonSerializer.Serialize(
            new EventEnvelope(id, "event", type, now, new EventData(dataObject)), CheckoutJson.Options);
        return new CallbackEvent { Id = id, MerchantId = merchantId, Type = type, Body = body, CreatedAt = now };
    }

    private sealed record EventEnvelope(string Id, string Object, string Type, DateTimeOffset CreatedAt, EventData Data);

    private sealed record EventData(object Object);
}
