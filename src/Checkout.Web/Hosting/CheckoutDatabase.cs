using System.Data.Common;
using System.Runtime.CompilerServices;
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
        builder.Services.AddSingleton<PreparedReads>();
        builder.Services.AddSingleton<SqliteWriteGate>();
        builder.Services.AddSingleton<WriterStatements>();
        // Contexts are pooled: options, interceptors and the context's internal services are built once, not per request.
        builder.Services.AddPooledDbContextFactory<CheckoutDbContext>((services, options) =>
        {
            options.UseSqlite(connectionString, sqlite => sqlite.MigrationsAssembly(typeof(CheckoutDbContext).Assembly.GetName().Name));
            options.AddInterceptors(services.GetRequiredService<SqlitePragmas>());
            options.AddInterceptors(services.GetRequiredService<PreparedReads>());
            options.AddInterceptors(services.GetRequiredService<SqliteWriteGate>());
            options.AddInterceptors(services.GetRequiredService<WriterStatements>());
            options.AddInterceptors(services.GetRequiredService<Checkout.Core.Callbacks.CallbackCommitInterceptor>());
        });
        // Endpoints, pages and services keep asking for a CheckoutDbContext; each scope leases one from the pool
        // and disposing the scope returns it.
        builder.Services.AddScoped(services => services.GetRequiredService<IDbContextFactory<CheckoutDbContext>>().CreateDbContext());
        builder.Services.AddSingleton<GroupCommit>();
        builder.Services.AddHostedService(services => ActivatorUtilities.CreateInstance<WalCheckpointer>(services, connectionString));
        builder.Services.AddScoped<NewRows>();
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
        // Migrate also diffs the whole model against the migrations' snapshot, a large part of start-up; a database
        // that already has every migration skips it. Development keeps it: the diff refuses to start when the
        // configurations changed without a migration.
        if (app.Services.GetRequiredService<IHostEnvironment>().IsDevelopment() || !await db.Database.HasEveryMigrationAsync())
            await db.Database.MigrateAsync();
        // WAL lets readers run while one writer commits; it is a property of the file, so set once here.
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        await scope.ServiceProvider.GetRequiredService<SandboxSeeder>().SeedAsync();
    }
}

/// <summary>
/// Applies <see cref="SqliteConnectionSettings.Pragmas"/> to EF's connections.
/// Microsoft.Data.Sqlite pools the physical connections and these settings live as long as one, so they are
/// sent once per physical connection, not on every open (every query).
/// </summary>
public sealed class SqlitePragmas : DbConnectionInterceptor
{
    private static readonly object Configured = new();
    // Keyed by the native handle's wrapper, which lives exactly as long as the physical connection.
    private readonly ConditionalWeakTable<object, object> _configured = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (connection.State != System.Data.ConnectionState.Open || IsConfigured(connection)) return; // not opened: PreparedReads deferred it
        using var command = connection.CreateCommand();
        command.CommandText = SqliteConnectionSettings.Pragmas;
        command.ExecuteNonQuery();
        MarkConfigured(connection);
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (connection.State != System.Data.ConnectionState.Open || IsConfigured(connection)) return; // not opened: PreparedReads deferred it
        await using var command = connection.CreateCommand();
        command.CommandText = SqliteConnectionSettings.Pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
        MarkConfigured(connection);
    }

    private bool IsConfigured(DbConnection connection) =>
        connection is SqliteConnection { Handle: { } handle } && _configured.TryGetValue(handle, out _);

    private void MarkConfigured(DbConnection connection)
    {
        if (connection is SqliteConnection { Handle: { } handle }) _configured.AddOrUpdate(handle, Configured);
    }
}
