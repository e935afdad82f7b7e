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

    // A file of its own, as in the app: the page's reads, the test's polls and the single writer's transactions
    // each run on their own connection.
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"checkout-pages-{Guid.NewGuid():N}.db");
    private string ConnectionString => $"Data Source={_file};Default Timeout=30";

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

        // A payment finishes on the database's single writer after the click returns; under a full parallel test
        // run that can take longer than bunit's default second before the page renders its outcome.
        BunitContext.DefaultWaitTimeout = TimeSpan.FromSeconds(10);
        Context.JSInterop.Mode = JSRuntimeMode.Loose;
        Context.Services.AddMudServices();
        Context.Services.AddLogging();
        Context.Services.AddSingleton<TimeProvider>(Clock);
        // A factory as in the app: the single writer (GroupCommit) runs its transactions on a context of its own.
        Context.Services.AddDbContextFactory<CheckoutDbContext>(o => o.UseSqlite(ConnectionString));
        Context.Services.AddSingleton<GroupCommit>();
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
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;"); // reads do not wait for the writer
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
        using (var pooled = new SqliteConnection(ConnectionString)) SqliteConnection.ClearPool(pooled);
        foreach (var suffix in new[] { "", "-wal", "-shm" }) File.Delete(_file + suffix);
    }

    /// <summary>Polls until <paramref name="condition"/> holds: a page's payment finishes on the database's writer, after the click returned.</summary>
    protected static async Task EventuallyAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail("The condition did not hold within 5 s.");
            await Task.Delay(20);
        }
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
