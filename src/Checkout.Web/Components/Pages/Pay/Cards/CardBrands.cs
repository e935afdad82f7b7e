using Checkout.Core.Payments.Cards;

namespace Checkout.Web.Components.Pages.Pay.Cards;

/// <summary>Card brands as shoppers know them, and how a card is shown without its number.</summary>
public static class CardBrands
{
    public static string DisplayName(CardBrand brand) => brand switch
    {
        CardBrand.Visa => "Visa",
        CardBrand.Mastercard => "Mastercard",
        CardBrand.Amex => "American Express",
        CardBrand.Discover => "Discover",
        CardBrand.Jcb => "JCB",
        _ => "Card",
    };

    /// <summary>The brand as stored on saved cards and orders ("visa", "amex"…).</summary>
    public static string DisplayName(string? storedBrand) =>
        Enum.TryParse<CardBrand>(storedBrand, ignoreCase: true, out var brand) ? DisplayName(brand) : "Card";

    /// <summary>"Visa •••• 4242".</summary>
    public static string Masked(string? storedBrand, string? last4) => $"{DisplayName(storedBrand)} •••• {last4}";
}
