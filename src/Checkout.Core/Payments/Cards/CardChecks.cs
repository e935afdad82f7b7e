namespace Checkout.Core.Payments.Cards;

/// <summary>Checks a shopper's card entry before it goes to the processor: number (Luhn), brand, expiry and CVC.</summary>
public static class CardChecks
{
    /// <summary>Digits only: spaces and dashes people type are dropped; anything else makes the number invalid.</summary>
    public static string? Normalize(string? number)
    {
        if (string.IsNullOrWhiteSpace(number)) return null;
        var digits = new char[number.Length];
        var count = 0;
        foreach (var c in number)
        {
            if (char.IsAsciiDigit(c)) digits[count++] = c;
            else if (c is not (' ' or '-')) return null;
        }
        return count == 0 ? null : new string(digits, 0, count);
    }

    public static bool PassesLuhn(string digits)
    {
        var sum = 0;
        var doubleIt = false;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            var d = digits[i] - '0';
            if (doubleIt && (d *= 2) > 9) d -= 9;
            sum += d;
            doubleIt = !doubleIt;
        }
        return sum % 10 == 0;
    }

    public static CardBrand DetectBrand(string digits)
    {
        if (digits.StartsWith('4')) return CardBrand.Visa;
        if (digits.Length >= 2 && int.Parse(digits[..2]) is >= 51 and <= 55) return CardBrand.Mastercard;
        if (digits.Length >= 4 && int.Parse(digits[..4]) is >= 2221 and <= 2720) return CardBrand.Mastercard;
        if (digits.StartsWith("34") || digits.StartsWith("37")) return CardBrand.Amex;
        if (digits.StartsWith("6011") || digits.StartsWith("65")) return CardBrand.Discover;
        if (digits.Length >= 4 && int.Parse(digits[..4]) is >= 3528 and <= 3589) return CardBrand.Jcb;
        return CardBrand.Unknown;
    }

    public static bool IsValidNumber(string digits) =>
        digits.Length is >= 12 and <= 19 && PassesLuhn(digits) && LengthFits(DetectBrand(digits), digits.Length);

    /// <summary>A card is good through the last day of its expiry month.</summary>
    public static bool IsExpiryValid(int month, int year, DateTimeOffset now)
    {
        if (month is < 1 or > 12) return false;
        if (year < 100) year += 2000;
        return year > now.Year || (year == now.Year && month >= now.Month);
    }

    /// <summary>Parses "MM/YY" (or MM/YYYY) as typed into the Expiry field.</summary>
    public static bool TryParseExpiry(string? text, out int month, out int year)
    {
        month = year = 0;
        var parts = text?.Split('/', StringSplitOptions.TrimEntries);
        if (parts is not { Length: 2 } || !int.TryParse(parts[0], out month) || !int.TryParse(parts[1], out year)) return false;
        if (parts[1].Length == 2) year += 2000;
        return parts[1].Length is 2 or 4 && month is >= 1 and <= 12;
    }

    public static bool IsCvcValid(string? cvc, CardBrand brand) =>
        cvc is not null && cvc.All(char.IsAsciiDigit) && cvc.Length == (brand == CardBrand.Amex ? 4 : 3);

    private static bool LengthFits(CardBrand brand, int length) => brand switch
    {
        CardBrand.Visa => length is 13 or 16 or 19,
        CardBrand.Mastercard => length == 16,
        CardBrand.Amex => length == 15,
        _ => true,
    };
}

public enum CardBrand
{
    Unknown,
    Visa,
    Mastercard,
    Amex,
    Discover,
    Jcb,
}
