using Checkout.Core.Payments.Cards;

namespace Checkout.Web.Components.Pages.Pay.Cards;

/// <summary>
/// The New card checks and their messages, worded for the shopper. The form runs them as the shopper
/// types; <see cref="ApprovePageOrders"/> runs them again before anything is tokenized.
/// </summary>
public static class CardEntryChecks
{
    public const int MaxNameLength = 100;

    public static string? NumberError(string? number)
    {
        if (string.IsNullOrWhiteSpace(number)) return "Enter your card number.";
        var digits = CardChecks.Normalize(number);
        if (digits is null) return "A card number has digits only.";
        return CardChecks.IsValidNumber(digits) ? null : "This card number is not valid. Check it and try again.";
    }

    public static string? ExpiryError(string? expiry, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(expiry)) return "Enter the expiry date.";
        if (!TryParseExpiry(expiry, out var month, out var year)) return "Enter the expiry date as MM/YY, for example 04/29.";
        return CardChecks.IsExpiryValid(month, year, now) ? null : "This card has expired.";
    }

    public static string? CvcError(string? cvc, CardBrand brand)
    {
        var length = brand == CardBrand.Amex ? 4 : 3;
        if (string.IsNullOrWhiteSpace(cvc)) return "Enter the security code (CVC).";
        return CardChecks.IsCvcValid(cvc.Trim(), brand) ? null : $"The CVC is {length} digits{(brand == CardBrand.Amex ? " on American Express cards" : "")}.";
    }

    public static string? NameError(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return "Enter the name as it appears on the card.";
        return name.Trim().Length > MaxNameLength ? $"The name can be at most {MaxNameLength} characters." : null;
    }

    /// <summary>"MM/YY", "MM/YYYY", "MM / YY" or the four digits "MMYY" that phone keyboards make easy.</summary>
    public static bool TryParseExpiry(string? text, out int month, out int year)
    {
        var trimmed = text?.Trim();
        if (trimmed is { Length: 4 } && trimmed.All(char.IsAsciiDigit)) trimmed = trimmed[..2] + "/" + trimmed[2..];
        return CardChecks.TryParseExpiry(trimmed, out month, out year);
    }

    public static CardBrand BrandOf(string? number) =>
        CardChecks.Normalize(number) is { } digits ? CardChecks.DetectBrand(digits) : CardBrand.Unknown;

    /// <summary>All four checks; the entry may be tokenized only when this is empty.</summary>
    public static IReadOnlyList<string> Problems(CardDetails card, DateTimeOffset now) =>
        new[] { NumberError(card.Number), ExpiryError(card.Expiry, now), CvcError(card.Cvc, BrandOf(card.Number)), NameError(card.Name) }
            .OfType<string>()
            .ToList();
}

/// <summary>
/// What the shopper typed into New card, handed from the form to the payment step. The number and CVC
/// live here only for that one call; <see cref="ToString"/> never prints them.
/// </summary>
public sealed record CardDetails(string? Number, string? Expiry, string? Cvc, string? Name, bool Save)
{
    public override string ToString() => $"CardDetails {{ Brand = {CardBrands.DisplayName(CardEntryChecks.BrandOf(Number))}, Save = {Save} }}";
}
