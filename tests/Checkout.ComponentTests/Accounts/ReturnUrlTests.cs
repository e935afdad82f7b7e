using Checkout.Web.Accounts;

namespace Checkout.ComponentTests.Accounts;

public class ReturnUrlTests
{
    [Theory]
    [InlineData("/pay/ord_1", "/pay/ord_1")]
    [InlineData("/pay/ord_1?x=1#top", "/pay/ord_1?x=1#top")]
    [InlineData("/", "/")]
    public void Local_KeepsAPathOnThisSite(string candidate, string expected) =>
        Assert.Equal(expected, ReturnUrl.Local(candidate));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("https://evil.example/")]
    [InlineData("//evil.example/")]
    [InlineData("/\\evil.example/")]
    [InlineData("javascript:alert(1)")]
    [InlineData("pay/ord_1")]
    [InlineData("/\t/evil.example/")]
    public void Local_FallsBackToTheHomePageForAnythingThatCouldLeaveTheSite(string? candidate) =>
        Assert.Equal("/", ReturnUrl.Local(candidate));
}
