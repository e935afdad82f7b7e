using Checkout.Core.Payments.Cards;
using Checkout.Core.Payments.Sandbox;

namespace Checkout.UnitTests.Payments;

public class CardChecksTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);

    public static TheoryData<string> SandboxNumbers() => new(TestCards.All.Select(c => c.Number));

    [Theory]
    [MemberData(nameof(SandboxNumbers))]
    public void EverySandboxTestCard_PassesLuhn_AndIsAValidVisaNumber(string number)
    {
        Assert.True(CardChecks.PassesLuhn(number));
        Assert.True(CardChecks.IsValidNumber(number));
        Assert.Equal(CardBrand.Visa, CardChecks.DetectBrand(number));
    }

    [Theory]
    [InlineData("4242424242424242")]
    [InlineData("5555555555554444")]
    [InlineData("2223003122003222")]
    [InlineData("378282246310005")]
    [InlineData("6011111111111117")]
    [InlineData("3530111333300000")]
    [InlineData("79927398713")]
    public void Luhn_Accepts_WellKnownValidNumbers(string number) => Assert.True(CardChecks.PassesLuhn(number));

    [Theory]
    [InlineData("4242424242424241")]
    [InlineData("4242424242424243")]
    [InlineData("5555555555554440")]
    [InlineData("378282246310006")]
    [InlineData("79927398710")]
    public void Luhn_Rejects_ANumberWithAWrongCheckDigit(string number) => Assert.False(CardChecks.PassesLuhn(number));

    [Fact]
    public void Luhn_Rejects_TwoSwappedDigits() =>
        // 4242… → 2442…: the check digit catches adjacent transpositions.
        Assert.False(CardChecks.PassesLuhn("2442424242424242"));

    [Theory]
    [InlineData("4242424242424242", CardBrand.Visa)]
    [InlineData("4000056655665556", CardBrand.Visa)]
    [InlineData("5105105105105100", CardBrand.Mastercard)]
    [InlineData("5200828282828210", CardBrand.Mastercard)]
    [InlineData("5555555555554444", CardBrand.Mastercard)]
    [InlineData("2221000000000009", CardBrand.Mastercard)]
    [InlineData("2223003122003222", CardBrand.Mastercard)]
    [InlineData("2720990000000007", CardBrand.Mastercard)]
    [InlineData("378282246310005", CardBrand.Amex)]
    [InlineData("371449635398431", CardBrand.Amex)]
    [InlineData("340000000000009", CardBrand.Amex)]
    [InlineData("6011111111111117", CardBrand.Discover)]
    [InlineData("6500000000000002", CardBrand.Discover)]
    [InlineData("3528000000000007", CardBrand.Jcb)]
    [InlineData("3530111333300000", CardBrand.Jcb)]
    [InlineData("3589000000000003", CardBrand.Jcb)]
    public void DetectBrand_RecognisesEachBrandByItsPrefix(string number, CardBrand brand) =>
        Assert.Equal(brand, CardChecks.DetectBrand(number));

    [Theory]
    [InlineData("5000000000000000")] // 50 is below the Mastercard 51–55 range
    [InlineData("5600000000000000")] // 56 is above it
    [InlineData("2220990000000000")] // just below 2221
    [InlineData("2721000000000000")] // just above 2720
    [InlineData("3527000000000000")] // just below the JCB range
    [InlineData("3590000000000000")] // just above it
    [InlineData("3300000000000000")]
    [InlineData("9999999999999995")]
    public void DetectBrand_SaysUnknown_JustOutsideEachRange(string number) =>
        Assert.Equal(CardBrand.Unknown, CardChecks.DetectBrand(number));

    [Theory]
    [InlineData("4", CardBrand.Visa)]
    [InlineData("55", CardBrand.Mastercard)]
    [InlineData("2221", CardBrand.Mastercard)]
    [InlineData("37", CardBrand.Amex)]
    [InlineData("6011", CardBrand.Discover)]
    [InlineData("3528", CardBrand.Jcb)]
    [InlineData("5", CardBrand.Unknown)]
    [InlineData("222", CardBrand.Unknown)]
    public void DetectBrand_WorksOnThePrefixTypedSoFar(string prefix, CardBrand brand) =>
        Assert.Equal(brand, CardChecks.DetectBrand(prefix));

    [Theory]
    [InlineData("4242 4242 4242 4242", "4242424242424242")]
    [InlineData("4242-4242-4242-4242", "4242424242424242")]
    [InlineData(" 3782 822463 10005 ", "378282246310005")]
    [InlineData("4242424242424242", "4242424242424242")]
    public void Normalize_DropsSpacesAndDashes(string typed, string digits) => Assert.Equal(digits, CardChecks.Normalize(typed));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("4242 4242 4242 424x")]
    [InlineData("4242.4242.4242.4242")]
    [InlineData("- -")]
    public void Normalize_RejectsAnythingButDigitsSpacesAndDashes(string? typed) => Assert.Null(CardChecks.Normalize(typed));

    [Theory]
    [InlineData("4242424242424242", true)]
    [InlineData("4222222222222", true)] // 13-digit Visa
    [InlineData("378282246310005", true)] // 15-digit Amex
    [InlineData("5555555555554444", true)]
    [InlineData("4242424242424241", false)] // Luhn fails
    [InlineData("37828224631000", false)] // Amex must be 15 digits
    [InlineData("55555555555544", false)] // Mastercard must be 16 digits
    [InlineData("42424242424", false)] // too short for any card
    [InlineData("42424242424242424242", false)] // 20 digits: too long
    public void IsValidNumber_NeedsLuhnAndTheBrandsLength(string number, bool valid) =>
        Assert.Equal(valid, CardChecks.IsValidNumber(number));

    [Theory]
    [InlineData(11, 2026, true)] // the current month: good through its last day
    [InlineData(12, 2026, true)]
    [InlineData(1, 2027, true)]
    [InlineData(11, 26, true)] // a two-digit year
    [InlineData(10, 2026, false)] // last month
    [InlineData(12, 2025, false)] // last year
    [InlineData(10, 26, false)]
    [InlineData(0, 2030, false)]
    [InlineData(13, 2030, false)]
    public void IsExpiryValid_AcceptsTheCurrentMonthAndLater(int month, int year, bool valid) =>
        Assert.Equal(valid, CardChecks.IsExpiryValid(month, year, Now));

    [Fact]
    public void IsExpiryValid_TurnsOnTheFirstOfTheNextMonth()
    {
        var lastMoment = new DateTimeOffset(2026, 11, 30, 23, 59, 59, TimeSpan.Zero);
        Assert.True(CardChecks.IsExpiryValid(11, 2026, lastMoment));
        Assert.False(CardChecks.IsExpiryValid(11, 2026, lastMoment.AddSeconds(1)));
    }

    [Theory]
    [InlineData("12/30", 12, 2030)]
    [InlineData("01/27", 1, 2027)]
    [InlineData("1/27", 1, 2027)]
    [InlineData("03/2031", 3, 2031)]
    [InlineData(" 04 / 29 ", 4, 2029)]
    public void TryParseExpiry_ReadsMonthAndYear(string text, int month, int year)
    {
        Assert.True(CardChecks.TryParseExpiry(text, out var parsedMonth, out var parsedYear));
        Assert.Equal(month, parsedMonth);
        Assert.Equal(year, parsedYear);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("1230")]
    [InlineData("12-30")]
    [InlineData("13/30")]
    [InlineData("00/30")]
    [InlineData("12/3")]
    [InlineData("12/030")]
    [InlineData("ab/cd")]
    [InlineData("12/30/1")]
    public void TryParseExpiry_RejectsAnythingElse(string? text) => Assert.False(CardChecks.TryParseExpiry(text, out _, out _));

    [Theory]
    [InlineData("123", CardBrand.Visa, true)]
    [InlineData("123", CardBrand.Mastercard, true)]
    [InlineData("000", CardBrand.Discover, true)]
    [InlineData("1234", CardBrand.Amex, true)]
    [InlineData("1234", CardBrand.Visa, false)] // four digits only for Amex
    [InlineData("123", CardBrand.Amex, false)] // Amex needs four
    [InlineData("12", CardBrand.Visa, false)]
    [InlineData("12a", CardBrand.Visa, false)]
    [InlineData("", CardBrand.Visa, false)]
    [InlineData(null, CardBrand.Visa, false)]
    public void IsCvcValid_WantsThreeDigits_OrFourForAmex(string? cvc, CardBrand brand, bool valid) =>
        Assert.Equal(valid, CardChecks.IsCvcValid(cvc, brand));
}
