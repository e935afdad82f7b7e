using System.Security.Cryptography;
using System.Text;
using Checkout.Core.Callbacks;

namespace Checkout.UnitTests.Callbacks;

public class CallbackSignatureTests
{
    private const string Secret = "whsec_test";
    private const string Body = """{"id":"evt_1","object":"event","type":"order.succeeded","data":{"object":{"amount":1999}}}""";
    private static readonly DateTimeOffset SignedAt = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
    private static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    [Fact]
    public void Signature_IsTheHexHmacSha256OfTimestampDotBody()
    {
        // Computed here with HMACSHA256 directly, the way a merchant's backend would.
        using var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(Secret));
        var expected = Convert.ToHexStringLower(hmac.ComputeHash(Encoding.UTF8.GetBytes("1700000000." + Body)));

        var header = CallbackSignature.Create(Secret, SignedAt, Body);

        Assert.Equal($"t=1700000000,v1={expected}", header);
    }

    [Fact]
    public void Signature_Verifies_WithTheSameSecretAndBodyWithinTolerance()
    {
        var header = CallbackSignature.Create(Secret, SignedAt, Body);

        Assert.True(CallbackSignature.Verify(Secret, header, Body, SignedAt.AddMinutes(4), Tolerance));
    }

    [Fact]
    public void Signature_DoesNotVerify_WhenTheBodyWasTamperedWith()
    {
        var header = CallbackSignature.Create(Secret, SignedAt, Body);

        Assert.False(CallbackSignature.Verify(Secret, header, Body.Replace("1999", "1"), SignedAt, Tolerance));
    }

    [Fact]
    public void Signature_DoesNotVerify_WithAnotherSecret()
    {
        var header = CallbackSignature.Create(Secret, SignedAt, Body);

        Assert.False(CallbackSignature.Verify("whsec_other", header, Body, SignedAt, Tolerance));
    }

    [Fact]
    public void Signature_DoesNotVerify_WhenItsTimestampIsStale()
    {
        var header = CallbackSignature.Create(Secret, SignedAt, Body);

        Assert.False(CallbackSignature.Verify(Secret, header, Body, SignedAt.AddMinutes(6), Tolerance));
    }

    [Fact]
    public void Signature_DoesNotVerify_WhenTheTimestampWasChanged()
    {
        var header = CallbackSignature.Create(Secret, SignedAt, Body).Replace("t=1700000000", "t=1700000100");

        Assert.False(CallbackSignature.Verify(Secret, header, Body, SignedAt, Tolerance));
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("t=1700000000")]
    [InlineData("v1=abc")]
    public void Signature_DoesNotVerify_WhenTheHeaderIsMalformed(string header) =>
        Assert.False(CallbackSignature.Verify(Secret, header, Body, SignedAt, Tolerance));
}
