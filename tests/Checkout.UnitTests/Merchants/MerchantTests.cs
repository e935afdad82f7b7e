using Checkout.Core.Merchants;

namespace Checkout.UnitTests.Merchants;

public class MerchantTests
{
    private static Merchant Shop() =>
        Merchant.Create("m1", "Shop", "s3cret", "whsec_x", ["shop.example", "127.0.0.1", "[::1]"], DateTimeOffset.UnixEpoch);

    [Fact]
    public void ClientSecret_IsStoredOnlyAsAHash()
    {
        var merchant = Shop();
        Assert.DoesNotContain("s3cret", merchant.ClientSecretHash);
        Assert.True(merchant.HasClientSecret("s3cret"));
        Assert.False(merchant.HasClientSecret("s3cret "));
        Assert.False(merchant.HasClientSecret(""));
    }

    [Theory]
    [InlineData("https://shop.example/ok", true)]
    [InlineData("http://SHOP.example:8443/ok?x=1", true)]
    [InlineData("http://127.0.0.1:5000/cb", true)]
    [InlineData("http://[::1]:5000/cb", true)]
    [InlineData("https://shop.example.evil.com/ok", false)]
    [InlineData("https://evil.com/?r=shop.example", false)]
    [InlineData("ftp://shop.example/ok", false)]
    [InlineData("javascript://shop.example/%0aalert(1)", false)]
    public void AllowedUrl_MatchesRegisteredHostsOnAnyPort(string url, bool allowed) =>
        Assert.Equal(allowed, Shop().IsAllowedUrl(new Uri(url)));
}
