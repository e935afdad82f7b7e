using Checkout.Core.Data;
using Checkout.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Checkout.IntegrationTests.Hosting;

/// <summary>The per-connection settings are sent once per physical connection; every connection must still carry them.</summary>
public class SqlitePragmasTests
{
    [Fact]
    public async Task EveryConnection_KeepsItsSettings_AcrossOpensFromThePool()
    {
        await using var app = new CheckoutApp();
        for (var round = 0; round < 2; round++)
        {
            // Three contexts open at once hold three physical connections; the second round reuses them from the pool.
            var scopes = Enumerable.Range(0, 3).Select(_ => app.Services.CreateAsyncScope()).ToList();
            try
            {
                foreach (var scope in scopes)
                {
                    var db = scope.ServiceProvider.GetRequiredService<CheckoutDbContext>();
                    await db.Database.OpenConnectionAsync();
                    Assert.Equal("10000", await ScalarAsync(db, "PRAGMA busy_timeout;"));
                    Assert.Equal("1", await ScalarAsync(db, "PRAGMA synchronous;")); // NORMAL
                    Assert.Equal("1", await ScalarAsync(db, "PRAGMA foreign_keys;"));
                }
            }
            finally
            {
                foreach (var scope in scopes) await scope.DisposeAsync();
            }
        }
        CheckoutApp.DeleteDatabase(app.DatabasePath);
    }

    private static async Task<string> ScalarAsync(CheckoutDbContext db, string sql)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(await command.ExecuteScalarAsync())!;
    }
}
