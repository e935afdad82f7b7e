using System.Text.Json;
using Checkout.Core.Common;
using Checkout.Core.Data;
using Checkout.Core.Merchants;
using Checkout.Web.Hosting;

namespace Checkout.Web.Merchants;

/// <summary>
/// The ops command on the app's own binary: <c>merchants create --name NAME --host HOST [HOST…]</c>.
/// Prints the new merchant's id and secrets as JSON; the client secret is shown only this once.
/// </summary>
public static class MerchantsCommand
{
    public static bool Matches(string[] args) => args.Length > 0 && args[0] == "merchants";

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length < 2 || args[1] != "create")
            return Fail("usage: merchants create --name NAME --host HOST [HOST…] [--ConnectionStrings:Checkout=…]");

        string? name = null;
        var hosts = new List<string>();
        var hostArgs = new List<string>();
        for (var i = 2; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--name" when i + 1 < args.Length:
                    name = args[++i];
                    break;
                case "--host":
                    while (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal)) hosts.Add(args[++i]);
                    break;
                default:
                    hostArgs.Add(args[i]); // configuration overrides such as --ConnectionStrings:Checkout=…
                    break;
            }
        }
        if (string.IsNullOrWhiteSpace(name) || hosts.Count == 0)
            return Fail("merchants create needs --name and at least one --host.");

        var builder = WebApplication.CreateBuilder(hostArgs.ToArray());
        builder.Logging.ClearProviders(); // stdout carries only the JSON
        builder.AddCheckout();
        await using var app = builder.Build();
        await app.PrepareDatabaseAsync();

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CheckoutDbContext>();
        var clientSecret = Ids.NewSecret("sk");
        var webhookSecret = Ids.NewSecret("whsec");
        Merchant merchant;
        try
        {
            merchant = Merchant.Create(Ids.New("mer"), name, clientSecret, webhookSecret, hosts, TimeProvider.System.GetUtcNow());
        }
        catch (DomainException ex)
        {
            return Fail(ex.Message);
        }
        db.Merchants.Add(merchant);
        await db.SaveChangesAsync();

        Console.WriteLine(JsonSerializer.Serialize(
            new { id = merchant.Id, name = merchant.Name, client_secret = clientSecret, webhook_secret = webhookSecret, allowed_hosts = merchant.AllowedHosts },
            new JsonSerializerOptions { WriteIndented = true }));
        return 0;
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine(message);
        return 2;
    }
}
