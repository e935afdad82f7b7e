using System.Text.Json.Serialization;
using Checkout.Core.Common;
using Checkout.Core.Merchants;
using Checkout.Core.Orders;

namespace Checkout.Web.Api;

/// <summary>The body of <c>POST /api/v1/orders</c>. Unknown fields are refused so typos do not pass silently.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record CreateOrderRequest(
    long? Amount,
    string? Currency,
    string? Description,
    string? Reference,
    string? SuccessUrl,
    string? ErrorUrl,
    string? CallbackUrl,
    string? CaptureMethod,
    Dictionary<string, string>? Metadata,
    int? ExpiresIn)
{
    public const int MaxDescription = 500;
    public const int MaxReference = 100;
    public const int MaxMetadataPairs = 20;
    public const int MaxMetadataKey = 40;
    public const int MaxMetadataValue = 500;

    /// <summary>Checks every field and, when all are fine, gives the domain's request.</summary>
    public NewOrder? Validate(Merchant merchant, OrderOptions options, out Dictionary<string, string[]> errors)
    {
        errors = [];
        if (Amount is null) errors["amount"] = ["amount is required (an integer in minor units)."];
        else if (Amount < 1 || Amount > Money.MaxAmount) errors["amount"] = [$"amount must be between 1 and {Money.MaxAmount} minor units."];

        var currencyCode = Currency?.Trim().ToUpperInvariant();
        if (string.IsNullOrEmpty(currencyCode)) errors["currency"] = ["currency is required (ISO 4217, e.g. EUR)."];
        else if (!Core.Common.Currency.TryFind(currencyCode, out _)) errors["currency"] = [$"currency '{Currency}' is not supported."];

        if (Description?.Length > MaxDescription) errors["description"] = [$"description is at most {MaxDescription} characters."];
        if (Reference?.Length > MaxReference) errors["reference"] = [$"reference is at most {MaxReference} characters."];

        CheckUrl("success_url", SuccessUrl, required: true, merchant, errors);
        CheckUrl("error_url", ErrorUrl, required: true, merchant, errors);
        CheckUrl("callback_url", CallbackUrl, required: false, merchant, errors);

        var captureMethod = CaptureMethod switch
        {
            null or "automatic" => Core.Orders.CaptureMethod.Automatic,
            "manual" => Core.Orders.CaptureMethod.Manual,
            _ => (CaptureMethod?)null,
        };
        if (captureMethod is null) errors["capture_method"] = ["capture_method is 'automatic' or 'manual'."];

        if (Metadata is not null)
        {
            if (Metadata.Count > MaxMetadataPairs) errors["metadata"] = [$"metadata holds at most {MaxMetadataPairs} pairs."];
            else if (Metadata.Any(kv => kv.Key.Length is 0 or > MaxMetadataKey || kv.Value is null || kv.Value.Length > MaxMetadataValue))
                errors["metadata"] = [$"metadata keys are 1–{MaxMetadataKey} characters and values are strings of at most {MaxMetadataValue}."];
        }

        var expiresIn = options.DefaultExpiresIn;
        if (ExpiresIn is { } seconds)
        {
            expiresIn = TimeSpan.FromSeconds(seconds);
            if (seconds < 60 || expiresIn > options.MaxExpiresIn)
                errors["expires_in"] = [$"expires_in is between 60 and {(int)options.MaxExpiresIn.TotalSeconds} seconds."];
        }

        if (errors.Count > 0) return null;
        return new NewOrder(Amount!.Value, currencyCode!, Description, Reference, SuccessUrl!, ErrorUrl!, CallbackUrl,
            captureMethod!.Value, Metadata, expiresIn);
    }

    private static void CheckUrl(string field, string? value, bool required, Merchant merchant, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required) errors[field] = [$"{field} is required."];
            return;
        }
        if (value.Length > 2048 || !Uri.TryCreate(value, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            errors[field] = [$"{field} must be an absolute http or https URL."];
        else if (!merchant.IsAllowedUrl(url))
            errors[field] = [$"{field} must be on one of your registered hosts ({string.Join(", ", merchant.AllowedHosts)})."];
    }
}
