using System.Data.Common;
using System.Globalization;
using Checkout.Core.Common;
using Checkout.Core.Data;
using Checkout.Core.Merchants;
using Checkout.Core.Payments.Sandbox;
using Checkout.Core.Shoppers;
using Checkout.Web.Accounts;
using Checkout.Web.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Checkout.Web.Sandbox;

/// <summary>The sandbox's known accounts, documented in README.md. Seeded only when <c>Checkout:Sandbox:Enabled</c>.</summary>
public sealed class SandboxSeeder(CheckoutDbContext db, ShopperPasswords passwords, ICardTokenizer tokenizer, IOptions<SandboxOptions> options, TimeProvider clock)
{
    public const string MerchantId = "demo_merchant";
    public const string MerchantName = "Demo Merchant";
    public const string MerchantSecret = "demo_secret";
    public const string WebhookSecret = "whsec_demo";
    public static readonly string[] MerchantHosts = ["localhost", "127.0.0.1", "[::1]", "shop.example"];
    public const string ShopperEmail = "shopper@example.com";
    public const string ShopperPassword = "Shopper123!";

    public async Task SeedAsync(CancellationToken cancellationToken = default)
    {
        if (!options.Value.Enabled) return;
        // Every start after the first finds the accounts in place; one plain statement says so, without
        // building the queries and the save below (a part of start-up otherwise).
        if (await AccountsExistAsync(cancellationToken)) return;
        var now = clock.GetUtcNow();

        if (!await db.Merchants.AnyAsync(m => m.Id == MerchantId, cancellationToken))
            db.Merchants.Add(Merchant.Create(MerchantId, MerchantName, MerchantSecret, WebhookSecret, MerchantHosts, now));

        if (!await db.Shoppers.AnyAsync(s => s.Email == ShopperEmail, cancellationToken))
        {
            var shopper = Shopper.Create(ShopperEmail, passwords.Hash(ShopperPassword), now);
            db.Shoppers.Add(shopper);
            OpenWallets(shopper.Id);
            SaveTestCards(shopper.Id, now);
        }
        await db.SaveChangesAsync(cancellationToken);
    }

    private async Task<bool> AccountsExistAsync(CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = """
                SELECT EXISTS (SELECT 1 FROM "Merchants" WHERE "Id" = $merchant)
                   AND EXISTS (SELECT 1 FROM "Shoppers" WHERE "Email" = $email)
                """;
            AddParameter(command, "$merchant", MerchantId);
            AddParameter(command, "$email", ShopperEmail);
            return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) == 1;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static void AddParameter(DbCommand command, string name, string value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    /// <summary>Saves every test card on the sandbox shopper, so QA can pick any outcome without typing numbers.</summary>
    public void SaveTestCards(string shopperId, DateTimeOffset now)
    {
        foreach (var card in TestCards.All)
        {
            var token = tokenizer.Tokenize(card.Number);
            db.SavedCards.Add(SavedCard.Create(shopperId, token.Brand.ToString().ToLowerInvariant(), token.Last4, 12, now.Year + 5, token.Token, now));
        }
    }

    /// <summary>Gives a sandbox shopper a starting balance in every supported currency.</summary>
    public void OpenWallets(string shopperId)
    {
        foreach (var currency in Currency.All)
        {
            var minorUnits = options.Value.WalletBalance;
            for (var i = 0; i < currency.Exponent; i++) minorUnits *= 10;
            db.WalletBalances.Add(WalletBalance.Open(shopperId, currency, minorUnits));
        }
    }
}
