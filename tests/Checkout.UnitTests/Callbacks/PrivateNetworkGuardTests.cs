using System.Net;
using Checkout.Core.Callbacks;

namespace Checkout.UnitTests.Callbacks;

public class PrivateNetworkGuardTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.8.9.10")]
    [InlineData("10.1.2.3")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.1.1")]
    [InlineData("169.254.169.254")]
    [InlineData("100.64.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("::1")]
    [InlineData("::")]
    [InlineData("fe80::1")]
    [InlineData("fd12:3456::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:10.0.0.1")]
    public void Address_IsPrivate_WhenLoopbackPrivateOrLinkLocal(string address) =>
        Assert.True(PrivateNetworkGuard.IsPrivate(IPAddress.Parse(address)));

    [Theory]
    [InlineData("93.184.216.34")]
    [InlineData("8.8.8.8")]
    [InlineData("172.32.0.1")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("::ffff:8.8.8.8")]
    public void Address_IsPublic_OtherwiseSo(string address) =>
        Assert.False(PrivateNetworkGuard.IsPrivate(IPAddress.Parse(address)));

    [Theory]
    [InlineData("http://127.0.0.1:9/callbacks")]
    [InlineData("http://localhost:9/callbacks")] // resolved by DNS, checked after resolution
    public async Task Handler_RefusesToConnect_ToALoopbackAddress(string url)
    {
        using var http = new HttpClient(PrivateNetworkGuard.CreateHandler(allowPrivateNetworks: false));

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(url));

        var refused = Assert.IsType<CallbackDestinationRefusedException>(error.InnerException);
        Assert.Contains("AllowPrivateNetworks", refused.Message);
    }

    [Fact]
    public async Task Handler_Connects_ToALoopbackAddress_WhenPrivateNetworksAreAllowed()
    {
        using var http = new HttpClient(PrivateNetworkGuard.CreateHandler(allowPrivateNetworks: true));

        // Port 9 (discard) has no listener: the guard lets it through and the OS refuses the connection.
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync("http://127.0.0.1:9/callbacks"));

        Assert.IsNotType<CallbackDestinationRefusedException>(error.InnerException);
    }
}
