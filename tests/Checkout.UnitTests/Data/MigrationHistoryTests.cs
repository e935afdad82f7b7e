using Checkout.Core.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Checkout.UnitTests.Data;

public sealed class MigrationHistoryTests : IDisposable
{
    private readonly SqliteConnection _connection = new("Data Source=:memory:");
    private readonly CheckoutDbContext _db;

    public MigrationHistoryTests()
    {
        _connection.Open();
        _db = new CheckoutDbContext(new DbContextOptionsBuilder<CheckoutDbContext>().UseSqlite(_connection).Options);
    }

    public void Dispose()
    {
        _db.Dispose();
        _connection.Dispose();
    }

    [Fact]
    public async Task NewDatabase_LacksMigrations()
    {
        Assert.False(await _db.Database.HasEveryMigrationAsync());
    }

    [Fact]
    public async Task MigratedDatabase_HasEveryMigration()
    {
        await _db.Database.MigrateAsync();

        Assert.True(await _db.Database.HasEveryMigrationAsync());
        Assert.Empty(await _db.Database.GetPendingMigrationsAsync());
    }

    [Fact]
    public async Task Database_LacksMigrations_WhenTheLatestIsNotInItsHistory()
    {
        await _db.Database.MigrateAsync();
        var latest = _db.Database.GetMigrations().Last();
        await using (var command = _connection.CreateCommand())
        {
            command.CommandText = $"""DELETE FROM "{HistoryRepository.DefaultTableName}" WHERE "MigrationId" = $id""";
            command.Parameters.AddWithValue("$id", latest);
            await command.ExecuteNonQueryAsync();
        }

        Assert.False(await _db.Database.HasEveryMigrationAsync());
    }

    [Fact]
    public async Task Checking_LeavesTheCallersConnectionOpen()
    {
        await _db.Database.HasEveryMigrationAsync();

        Assert.Equal(System.Data.ConnectionState.Open, _connection.State);
    }
}
