using System.Collections.Frozen;

namespace Checkout.Core.Common;

/// <summary>An ISO 4217 currency Checkout accepts, with the number of minor-unit digits it uses.</summary>
public sealed record Currency(string Code, int Exponent, string Symbol)
{
    private static readonly FrozenDictionary<string, Currency> Supported = new Currency[]
    {
        new("USD", 2, "$"), new("EUR", 2, "€"), new("GBP", 2, "£"), new("CHF", 2, "CHF"),
        new("CAD", 2, "CA$"), new("AUD", 2, "A$"), new("NZD", 2, "NZ$"), new("SEK", 2, "SEK"),
        new("NOK", 2, "NOK"), new("DKK", 2, "DKK"), new("PLN", 2, "PLN"), new("CZK", 2, "CZK"),
        new("INR", 2, "₹"), new("BRL", 2, "R$"), new("MXN", 2, "MX$"), new("SGD", 2, "S$"),
        new("HKD", 2, "HK$"), new("ZAR", 2, "ZAR"), new("CNY", 2, "CN¥"), new("TRY", 2, "TRY"),
        new("JPY", 0, "¥"), new("KRW", 0, "₩"), new("ISK", 0, "ISK"), new("CLP", 0, "CLP"),
        new("KWD", 3, "KWD"), new("BHD", 3, "BHD"), new("OMR", 3, "OMR"), new("JOD", 3, "JOD"),
    }.ToFrozenDictionary(c => c.Code, StringComparer.Ordinal);

    public static IEnumerable<Currency> All => Supported.Values;

    /// <summary>Finds a supported currency by its upper-case ISO code.</summary>
    public static bool TryFind(string? code, out Currency currency)
    {
        currency = null!;
        return code is not null && Supported.TryGetValue(code, out currency!);
    }

    public static Currency Find(string code) =>
        TryFind(code, out var currency) ? currency : throw new DomainException("currency_not_supported", $"Currency '{code}' is not supported.");
}
