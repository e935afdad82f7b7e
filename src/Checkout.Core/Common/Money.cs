using System.Globalization;

namespace Checkout.Core.Common;

/// <summary>Amounts are whole minor units (cents, yen, fils); this turns them into text without floating point.</summary>
public static class Money
{
    /// <summary>The largest amount one order may carry, in minor units.</summary>
    public const long MaxAmount = 99_999_999_999;

    public static decimal ToMajorUnits(long amount, Currency currency) =>
        amount / (decimal)Pow10(currency.Exponent);

    /// <summary>Formats an amount with the currency's symbol and the culture's separators: €19.99, ¥1,999, KWD 1.500.</summary>
    public static string Format(long amount, Currency currency, CultureInfo culture)
    {
        var format = (NumberFormatInfo)culture.NumberFormat.Clone();
        format.CurrencySymbol = currency.Symbol;
        format.CurrencyDecimalDigits = currency.Exponent;
        // The culture decides where the symbol goes; a letter code (KWD) needs a space where "€" does not.
        if (char.IsLetter(currency.Symbol[^1]) && format.CurrencyPositivePattern is 0 or 1)
            format.CurrencyPositivePattern += 2;
        return ToMajorUnits(amount, currency).ToString("C", format);
    }

    private static long Pow10(int exponent)
    {
        long result = 1;
        for (var i = 0; i < exponent; i++) result *= 10;
        return result;
    }
}
