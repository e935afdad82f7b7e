using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Checkout.Core.Data;

/// <summary>
/// Whether a SQLite database already has every migration, read with two plain statements. EF's own answer
/// (GetPendingMigrations) first builds a model of its history table with all of the provider's conventions,
/// which costs more than the rest of a restart's database work.
/// </summary>
public static class MigrationHistory
{
    public static async Task<bool> HasEveryMigrationAsync(this DatabaseFacade database, CancellationToken cancellationToken = default)
    {
        var known = database.GetMigrations().ToList();
        await database.OpenConnectionAsync(cancellationToken);
        try
        {
            var connection = database.GetDbConnection();
            if (!await HistoryTableExistsAsync(connection, cancellationToken)) return known.Count == 0;

            var applied = new HashSet<string>(StringComparer.Ordinal);
            await using var command = connection.CreateCommand();
            command.CommandText = $"""SELECT "MigrationId" FROM "{HistoryRepository.DefaultTableName}" """;
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) applied.Add(reader.GetString(0));
            return known.All(applied.Contains);
        }
        finally
        {
            await database.CloseConnectionAsync();
        }
    }

    private static async Task<bool> HistoryTableExistsAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = $name)";
        var name = command.CreateParameter();
        name.ParameterName = "$name";
        name.Value = HistoryRepository.DefaultTableName;
        command.Parameters.Add(name);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) == 1;
    }
}
