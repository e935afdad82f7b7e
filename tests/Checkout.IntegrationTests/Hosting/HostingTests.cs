using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Checkout.Core.Data;
using Checkout.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Checkout.IntegrationTests.Hosting;

public class HostingTests
{
    [Fact]
    public async Task Database_IsMigratedInWalModeWithABusyTimeout()
    {
        await using var app = new CheckoutApp();
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CheckoutDbContext>();

        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.Equal("wal", await ScalarAsync(db, "PRAGMA journal_mode;"));
        Assert.Equal("10000", await ScalarAsync(db, "PRAGMA busy_timeout;"));
        CheckoutApp.DeleteDatabase(app.DatabasePath);
    }

    [Fact]
    public async Task Sandbox_IsOffInProduction_UnlessEnabled()
    {
        await using var app = new CheckoutApp(settings: new Dictionary<string, string?> { ["Checkout:Sandbox:Enabled"] = null });
        using var http = app.CreateHttpClient();

        using var response = await http.SendAsync(OAuth.TokenEndpointTests.TokenRequest(basic: ("demo_merchant", "demo_secret")));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        CheckoutApp.DeleteDatabase(app.DatabasePath);
    }

    [Fact]
    public async Task MerchantsCreateCommand_PrintsCredentialsThatWork()
    {
        var databasePath = Path.Combine(Path.GetTempPath(), $"checkout-cmd-{Guid.NewGuid():N}.db");
        var webDll = typeof(Program).Assembly.Location;
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { webDll, "merchants", "create", "--name", "Tea Shop", "--host", "tea.example", "localhost", $"--ConnectionStrings:Checkout=Data Source={databasePath}" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(webDll)!,
        };
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(exit.Token);
        Assert.True(process.ExitCode == 0, errors);

        var printed = JsonNode.Parse(output)!.AsObject();
        var id = printed["id"]!.GetValue<string>();
        Assert.StartsWith("mer_", id);
        Assert.StartsWith("whsec_", printed["webhook_secret"]!.GetValue<string>());

        await using var app = new CheckoutApp(databasePath, new Dictionary<string, string?> { ["Checkout:Sandbox:Enabled"] = "false" });
        var merchant = new MerchantClient(app.CreateHttpClient(), id, printed["client_secret"]!.GetValue<string>());
        await merchant.AuthenticateAsync();
        var order = Infrastructure.Orders.Valid();
        order["success_url"] = "https://tea.example/ok";
        Assert.Equal("created", (await merchant.CreateOrderOkAsync(order))["status"]!.GetValue<string>());
        CheckoutApp.DeleteDatabase(databasePath);
    }

    [Fact]
    public async Task MerchantsCreateCommand_RefusesMissingHosts()
    {
        var webDll = typeof(Program).Assembly.Location;
        var start = new ProcessStartInfo("dotnet") { ArgumentList = { webDll, "merchants", "create", "--name", "No Hosts" }, RedirectStandardError = true, RedirectStandardOutput = true };
        using var process = Process.Start(start)!;
        var errors = await process.StandardError.ReadToEndAsync();
        using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(exit.Token);
        Assert.Equal(2, process.ExitCode);
        Assert.Contains("--host", errors);
    }

    private static async Task<string> ScalarAsync(CheckoutDbContext db, string sql)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            return Convert.ToString(await command.ExecuteScalarAsync())!;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
