using System.Text.Json;
using System.Text.Json.Serialization;

namespace Checkout.Core.Common;

/// <summary>The one JSON shape of the public API and of callback bodies: snake_case, enums as snake_case strings.</summary>
public static class CheckoutJson
{
    public static JsonSerializerOptions Options { get; } = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.DictionaryKeyPolicy = null;
        options.NumberHandling = JsonNumberHandling.Strict; // "amount": "19" is a type error, not 19
        options.Converters.Add(new UtcTimestampConverter());
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        return options;
    }
}
