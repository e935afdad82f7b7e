using Microsoft.Extensions.Configuration;
using Checkout.Core.Payments;
using System.Security.Claims;
using Checkout.ComponentTests.Infrastructure;
using Checkout.Core.Data;
using Checkout.Core.Shoppers;
using Checkout.Web.Accounts;
using Checkout.Web.Hosting;
using Checkout.Web.Sandbox;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Checkout.ComponentTests.Accounts;

/// <summary>Sign-in, lockout and sign-up against a real SQLite database and the real cookie handler.</summary>
public class ShopperSignInTests : IAsyncLifetime
{
    private const string Email = "shopper@example.com";
    private const string Password = "Shopper123!";

    private readonly SqliteConnection _connection = new("Data Source=:memory:");
    private readonly FakeTimeProvider _clock = new(PageTestContext.Start);
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        await _connection.OpenAsync();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(_clock);
        services.AddDbContext<CheckoutDbContext>(o => o.UseSqlite(_connection));
        services.AddSingleton<ShopperPasswords>();
        services.AddScoped<SandboxSeeder>();
        services.AddCheckoutPayments(new ConfigurationBuilder().Build());
        services.Configure<AccountOptions>(o => { o.MaxFailedSignIns = 5; o.LockoutDuration = TimeSpan.FromMinutes(15); });
        services.Configure<SandboxOptions>(o => o.Enabled = true);
        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie();
        services.AddScoped<ShopperSignIn>();
        _services = services.BuildServiceProvider();

        await using var scope = _services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CheckoutDbContext>();
        await db.Database.MigrateAsync();
        await db.SaveAsync(CheckoutData.Shopper(Email, Password, PageTestContext.Start));
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _connection.DisposeAsync();
    }

    private async Task<(SignInResult Result, HttpContext Http)> SignInAsync(string email, string password)
    {
        await using var scope = _services.CreateAsyncScope();
        var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        var result = await scope.ServiceProvider.GetRequiredService<ShopperSignIn>().SignInAsync(http, email, password, CancellationToken.None);
        return (result, http);
    }

    private async Task<(SignUpStatus Status, HttpContext Http)> SignUpAsync(string email, string password)
    {
        await using var scope = _services.CreateAsyncScope();
        var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        var status = await scope.ServiceProvider.GetRequiredService<ShopperSignIn>().SignUpAsync(http, email, password, CancellationToken.None);
        return (status, http);
    }

    private async Task<T> WithDbAsync<T>(Func<CheckoutDbContext, Task<T>> read)
    {
        await using var scope = _services.CreateAsyncScope();
        return await read(scope.ServiceProvider.GetRequiredService<CheckoutDbContext>());
    }

    private static bool SetsCookie(HttpContext http) => http.Response.Headers.SetCookie.Count > 0;

    [Fact]
    public async Task SignIn_WithTheRightPassword_IssuesTheCookie_AndIgnoresEmailCase()
    {
        var (result, http) = await SignInAsync(" Shopper@Example.COM ", Password);

        Assert.Equal(SignInStatus.SignedIn, result.Status);
        Assert.True(SetsCookie(http));
    }

    [Theory]
    [InlineData(Email, "wrong-password")]
    [InlineData("nobody@example.com", Password)]
    public async Task SignIn_IsRefusedTheSameWay_ForAWrongPasswordAndAnUnknownEmail(string email, string password)
    {
        var (result, http) = await SignInAsync(email, password);

        Assert.Equal(SignInStatus.InvalidCredentials, result.Status);
        Assert.False(SetsCookie(http));
    }

    [Fact]
    public async Task SignIn_LocksTheAccountAfterFiveFailures_EvenForTheRightPassword()
    {
        for (var i = 1; i <= 4; i++)
            Assert.Equal(SignInStatus.InvalidCredentials, (await SignInAsync(Email, $"wrong-{i}")).Result.Status);

        var fifth = await SignInAsync(Email, "wrong-5");
        var right = await SignInAsync(Email, Password);

        Assert.Equal(SignInStatus.LockedOut, fifth.Result.Status);
        Assert.Equal(PageTestContext.Start.AddMinutes(15), fifth.Result.LockedOutUntil);
        Assert.Equal(SignInStatus.LockedOut, right.Result.Status);
        Assert.False(SetsCookie(right.Http));
    }

    [Fact]
    public async Task SignIn_WorksAgain_OnceTheLockoutHasPassed()
    {
        for (var i = 1; i <= 5; i++) await SignInAsync(Email, $"wrong-{i}");

        _clock.Advance(TimeSpan.FromMinutes(15));
        var (result, http) = await SignInAsync(Email, Password);

        Assert.Equal(SignInStatus.SignedIn, result.Status);
        Assert.True(SetsCookie(http));
    }

    [Fact]
    public async Task SignIn_Success_ResetsTheFailureCount()
    {
        for (var i = 1; i <= 4; i++) await SignInAsync(Email, $"wrong-{i}");
        await SignInAsync(Email, Password);

        for (var i = 1; i <= 4; i++) await SignInAsync(Email, $"again-wrong-{i}");
        var (result, _) = await SignInAsync(Email, Password);

        Assert.Equal(SignInStatus.SignedIn, result.Status);
    }

    [Fact]
    public void PrincipalFor_CarriesTheShopperIdAndEmail()
    {
        var shopper = Shopper.Create("a@example.com", "hash", PageTestContext.Start);

        var principal = ShopperSignIn.PrincipalFor(shopper);

        Assert.Equal(shopper.Id, principal.FindFirstValue(ClaimTypes.NameIdentifier));
        Assert.Equal("a@example.com", principal.FindFirstValue(ClaimTypes.Email));
        Assert.True(principal.Identity?.IsAuthenticated);
    }

    [Fact]
    public async Task SignUp_CreatesAShopperWithSandboxWallets_AndSignsIn()
    {
        var (status, http) = await SignUpAsync("New@Example.com", "longenough");

        Assert.Equal(SignUpStatus.SignedUp, status);
        Assert.True(SetsCookie(http));
        var shopper = await WithDbAsync(db => db.Shoppers.SingleAsync(s => s.Email == "new@example.com"));
        Assert.NotEqual("longenough", shopper.PasswordHash);
        var euros = await WithDbAsync(db => db.WalletBalances.SingleAsync(w => w.ShopperId == shopper.Id && w.Currency == "EUR"));
        Assert.Equal(100_000, euros.Amount);
        Assert.Equal(SignInStatus.SignedIn, (await SignInAsync("new@example.com", "longenough")).Result.Status);
    }

    [Fact]
    public async Task SignUp_RefusesAnEmailThatIsAlreadyTaken_WhateverItsCase()
    {
        var (status, http) = await SignUpAsync("SHOPPER@example.com", "longenough");

        Assert.Equal(SignUpStatus.EmailTaken, status);
        Assert.False(SetsCookie(http));
        Assert.Equal(1, await WithDbAsync(db => db.Shoppers.CountAsync()));
    }
}
