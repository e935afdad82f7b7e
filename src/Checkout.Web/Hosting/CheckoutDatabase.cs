using System.Data.Common;
using Checkout.Core.Data;
using Checkout.Web.Sandbox;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Checkout.Web.Hosting;

public static class CheckoutDatabase
{
    /// <summary>The file used when <c>ConnectionStrings:Checkout</c> is not set, in the content root.</summary>
    public const string DefaultFileName = "checkout.db";

    public static void AddCheckoutData(this WebApplicationBuilder builder)
    {
        var connectionString = ResolveConnectionString(builder.Configuration, builder.Environment.ContentRootPath);
        builder.Services.AddSingleton<SqlitePragmas>();
        builder.Services.AddSingleton<SqliteWriteGate>();
        builder.Services.AddDbContext<CheckoutDbContext>((services, options) =>
        {
            options.UseSqlite(connectionString, sqlite => sqlite.MigrationsAssembly(typeof(CheckoutDbContext).Assembly.GetName().Name));
            options.AddInterceptors(services.GetRequiredService<SqlitePragmas>());
            options.AddInterceptors(services.GetRequiredService<SqliteWriteGate>());
            options.AddInterceptors(services.GetRequiredService<Checkout.Core.Callbacks.CallbackCommitInterceptor>());
        });
    }

    public static string ResolveConnectionString(IConfiguration configuration, string contentRoot)
    {
        var configured = configuration.GetConnectionString("Checkout");
        var builder = new SqliteConnectionStringBuilder(string.IsNullOrWhiteSpace(configured) ? $"Data Source={DefaultFileName}" : configured);
        if (builder.DataSource != ":memory:" && !Path.IsPathRooted(builder.DataSource) && builder.Mode != SqliteOpenMode.Memory)
            builder.DataSource = Path.Combine(contentRoot, builder.DataSource);
        return builder.ToString();
    }

    /// <summary>Applies migrations, switches SQLite to WAL and seeds the sandbox when it is on.</summary>
    public static async Task PrepareDatabaseAsync(this IHost app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CheckoutDbContext>();
        await db.Database.MigrateAsync();
        // WAL lets readers run while one writer commits; it is a property of the file, so set once here.
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        await scope.ServiceProvider.GetRequiredService<SandboxSeeder>().SeedAsync();
    }
}

/// <summary>Per-connection SQLite settings: writers wait for each other instead of failing with SQLITE_BUSY.</summary>
public sealed class SqlitePragmas : DbConnectionInterceptor
{
    private const string Pragmas = "PRAGMA busy_timeout=10000; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
