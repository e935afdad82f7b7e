using Checkout.Core.Common;
using Checkout.Core.Shoppers;

namespace Checkout.UnitTests.Shoppers;

public class ShopperTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UnixEpoch;

    [Fact]
    public void SignIn_LocksOut_AfterTheMaximumFailures()
    {
        var shopper = Shopper.Create("A@Example.com", "hash", Now);
        for (var i = 0; i < 4; i++) shopper.RecordFailedSignIn(Now, 5, TimeSpan.FromMinutes(15));
        Assert.False(shopper.IsLockedOut(Now));

        shopper.RecordFailedSignIn(Now, 5, TimeSpan.FromMinutes(15));

        Assert.True(shopper.IsLockedOut(Now.AddMinutes(14)));
        Assert.False(shopper.IsLockedOut(Now.AddMinutes(15)));
        Assert.Equal("a@example.com", shopper.Email);
    }

    [Fact]
    public void Wallet_RefusesADebitLargerThanTheBalance()
    {
        var wallet = WalletBalance.Open("shp_1", Currency.Find("EUR"), 1000);
        var error = Assert.Throws<DomainException>(() => wallet.Debit(1001));
        Assert.Equal("insufficient_funds", error.Code);
        Assert.Equal(1000, wallet.Amount);

        wallet.Debit(1000);
        Assert.Equal(0, wallet.Amount);
    }
}
