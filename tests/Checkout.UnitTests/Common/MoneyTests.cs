using System.Globalization;
using Checkout.Core.Common;

namespace Checkout.UnitTests.Common;

public class MoneyTests
{
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en-US");

    [Theory]
    [InlineData(1999, "EUR", "€19.99")]
    [InlineData(1999, "JPY", "¥1,999")]
    [InlineData(1500, "KWD", "KWD 1.500")]
    [InlineData(123456789, "USD", "$1,234,567.89")]
    [InlineData(1, "GBP", "£0.01")]
    public void Format_UsesTheCurrencyExponentAndSymbol(long amount, string currency, string expected) =>
        Assert.Equal(expected, Money.Format(amount, Currency.Find(currency), English));

    [Fact]
    public void Format_UsesTheCultureSeparators()
    {
        var german = CultureInfo.GetCultureInfo("de-DE");
        Assert.Equal("1.234,56 €", Money.Format(123456, Currency.Find("EUR"), german));
        Assert.Equal("1,500 KWD", Money.Format(1500, Currency.Find("KWD"), german));
    }

    [Fact]
    public void ToMajorUnits_IsExactForTheLargestAmount() =>
        Assert.Equal(999_999_999.99m, Money.ToMajorUnits(Money.MaxAmount, Currency.Find("EUR")));

    [Theory]
    [InlineData("EUR", 2)]
    [InlineData("JPY", 0)]
    [InlineData("KWD", 3)]
    public void Currency_KnowsItsExponent(string code, int exponent) =>
        Assert.Equal(exponent, Currency.Find(code).Exponent);

    [Theory]
    [InlineData("XXX")]
    [InlineData("eur")]
    [InlineData("")]
    [InlineData(null)]
    public void Currency_RefusesUnsupportedCodes(string? code) => Assert.False(Currency.TryFind(code, out _));
}
