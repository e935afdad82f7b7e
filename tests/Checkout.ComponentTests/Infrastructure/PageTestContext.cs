using System.Globalization;
using System.Security.Claims;
using Bunit;
using Checkout.Core.Data;
using Checkout.Core.Payments;
using Checkout.Web.Accounts;
using Checkout.Web.Components;
using Checkout.Web.Sandbox;
using Microsoft.AspNetCore.Components;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MudBlazor.Services;

namespace Checkout.ComponentTests.Infrastructure;

/// <summary>
/// A bunit context wired like the host for the hosted pages: MudBlazor, a real SQLite database in memory
/// (kept alive by one open connection), a fake clock and a signed-in shopper.
/// </summary>
public abstract class PageTestContext : IAsyncLifetime
{
    public static readonly DateTimeOffset Start = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);

    private readonly SqliteConnection _connection = new("Data Source=:memory:");

    protected BunitContext Context { get; } = new();
    protected FakeTimeProvider Clock { get; } = new(Start);
    protected string ShopperId { get; private set; } = "";

    protected PageTestContext()
    {
        // Amounts are formatted with the current culture; pin it so "€19.99" does not depend on the machine.
        // Set here, not in InitializeAsync: a culture set inside an async method does not flow back out of it.
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("en-US");
    }

    public async Task InitializeAsync()
    {
        await _connection.OpenAsync();

        Context.JSInterop.Mode = JSRuntimeMode.Loose;
        Context.Services.AddMudServices();
        Context.Services.AddLogging();
        Context.Services.AddSingleton<TimeProvider>(Clock);
        Context.Services.AddDbContext<CheckoutDbContext>(o => o.UseSqlite(_connection));
        Context.Services.AddCheckoutPayments(new ConfigurationBuilder().Build());
        Context.Services.AddSingleton<ShopperPasswords>();
        Context.Services.AddScoped<SandboxSeeder>();
        Context.Services.AddCheckoutPages();
        // Registers services too, so it must come before anything below resolves one (the renderer included).
        var auth = Context.AddAuthorization();
        Context.SetRendererInfo(new RendererInfo("Server", isInteractive: true));

        await using (var scope = Context.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CheckoutDbContext>();
            await db.Database.MigrateAsync();
            var shopper = CheckoutData.Shopper("shopper@example.com", "Shopper123!", Start);
            await db.SaveAsync(CheckoutData.Merchant(Start), shopper);
            ShopperId = shopper.Id;
        }

        auth.SetAuthorized("shopper@example.com");
        auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, ShopperId), new Claim(ClaimTypes.Email, "shopper@example.com"));
    }

    public async Task DisposeAsync()
    {
        await Context.DisposeAsync();
        await _connection.DisposeAsync();
    }

    /// <summary>Runs <paramref name="work"/> against the database in its own scope, as the page's service does.</summary>
    protected async Task<T> WithDbAsync<T>(Func<CheckoutDbContext, Task<T>> work)
    {
        await using var scope = Context.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<CheckoutDbContext>());
    }

    protected Task WithDbAsync(Func<CheckoutDbContext, Task> work) =>
        WithDbAsync(async db => { await work(db); return true; });
}
