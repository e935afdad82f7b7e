using System.Text;
using Checkout.Core.Data;
using Checkout.Core.Payments;
using Checkout.Core.Payments.Sandbox;
using Checkout.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Checkout.IntegrationTests.Payments;

/// <summary>Checkout keeps brand, last 4, expiry and the processor's token: never a card number.</summary>
[Collection(PaymentsCollection.Name)]
public sealed class CardDataTests(PaymentsAppFixture fixture)
{
    private CheckoutApp App => fixture.App;

    [Fact]
    public async Task CardNumbers_AreNeverWrittenToTheDatabaseFile()
    {
        var merchant = await fixture.MerchantAsync();
        var shopperId = await App.SandboxShopperIdAsync();
        foreach (var card in TestCards.All)
        {
            // Server-side with the token…
            var byToken = await merchant.CreateOrderIdAsync();
            await merchant.ConfirmOkAsync(byToken, card.Token);

            // …and as the card page does with a typed number: tokenized first, then paid and saved.
            var typed = await merchant.CreateOrderIdAsync();
            var token = App.Services.GetRequiredService<ICardTokenizer>().Tokenize(card.Number);
            await App.PaymentsAsync(p => p.ConfirmAsync(typed, null,
                new PaymentChoice.NewCard(shopperId, token.Token, token.Brand.ToString().ToLowerInvariant(), token.Last4, 12, 2030, Save: true),
                CancellationToken.None));
        }

        await using (var scope = App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CheckoutDbContext>();
            // What is kept instead: brand, last 4 and the token.
            var saved = await db.SavedCards.AsNoTracking().Where(c => c.ShopperId == shopperId).ToListAsync();
            Assert.Contains(saved, c => c.Last4 == "4242" && c.Brand == "visa");
            Assert.All(saved, c =>
            {
                Assert.Equal(4, c.Last4.Length);
                Assert.StartsWith("tok_sbx_", c.ProcessorToken);
            });
        }

        var bytes = await DatabaseBytesAsync(App.DatabasePath);
        foreach (var card in TestCards.All)
        {
            foreach (var form in Forms(card.Number))
            {
                Assert.False(Contains(bytes, Encoding.UTF8.GetBytes(form)), $"{form} is in the database file");
                Assert.False(Contains(bytes, Encoding.Unicode.GetBytes(form)), $"{form} (UTF-16) is in the database file");
            }
        }
    }

    /// <summary>The number as digits, as typed in groups, and with dashes.</summary>
    private static IEnumerable<string> Forms(string number)
    {
        yield return number;
        yield return string.Join(' ', number.Chunk(4).Select(c => new string(c)));
        yield return string.Join('-', number.Chunk(4).Select(c => new string(c)));
    }

    /// <summary>The database and its write-ahead log, read while the app still has them open.</summary>
    private static async Task<byte[]> DatabaseBytesAsync(string path)
    {
        using var all = new MemoryStream();
        foreach (var file in new[] { path, path + "-wal" }.Where(File.Exists))
        {
            await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            await stream.CopyToAsync(all);
        }
        Assert.True(all.Length > 0);
        return all.ToArray();
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}
