using Checkout.Core.Data;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Checkout.UnitTests.Data;

/// <summary>With checkpoints taken out of the writers' commits, the background checkpointer keeps the log short.</summary>
public sealed class WalCheckpointerTests : IAsyncLifetime
{
    // Paced over a few seconds: many of the checkpointer's 200 ms ticks pass, so one late tick on a busy machine
    // (the whole suite runs in parallel) cannot let the log grow anywhere near the bound.
    private const int Transactions = 400;
    private const int BytesPerTransaction = 128 * 1024;
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"wal-{Guid.NewGuid():N}.db");
    private readonly SqliteWriteGate _gate = new(TimeSpan.FromSeconds(30));
    private string ConnectionString => $"Data Source={_file};Pooling=False";

    public async Task InitializeAsync()
    {
        await using var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync();
        await using var setup = connection.CreateCommand();
        setup.CommandText = "PRAGMA journal_mode=WAL; CREATE TABLE blobs (id INTEGER PRIMARY KEY, data BLOB NOT NULL);";
        await setup.ExecuteNonQueryAsync();
    }

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" }) File.Delete(_file + suffix);
        return Task.CompletedTask;
    }

    // Writes as the app's writers do: through the gate, with SQLite's own checkpoint-on-commit off. Returns the
    // longest the log got, read while the connection is open (closing the last one checkpoints and deletes it).
    private async Task<long> WriteAsync()
    {
        long longest = 0;
        await using var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync();
        await using (var pragmas = connection.CreateCommand())
        {
            pragmas.CommandText = WalCheckpointer.WriterPragmas;
            await pragmas.ExecuteNonQueryAsync();
        }
        var data = new byte[BytesPerTransaction];
        for (var i = 0; i < Transactions; i++)
        {
            using (await _gate.HoldAsync(CancellationToken.None))
            {
                await using var transaction = connection.BeginTransaction();
                await using var insert = connection.CreateCommand();
                insert.CommandText = "INSERT INTO blobs (data) VALUES ($data)";
                insert.Parameters.AddWithValue("$data", data);
                await insert.ExecuteNonQueryAsync();
                await transaction.CommitAsync();
            }
            longest = Math.Max(longest, new FileInfo(_file + "-wal").Length);
            await Task.Delay(5);
        }
        return longest;
    }

    [Fact]
    public async Task Log_StaysFarShorterThanWhatWasWritten()
    {
        // Rewound every 4 MB here, and as often as the log gets there, so a test-sized load passes the mark many times
        // however slowly a busy machine runs it.
        using var checkpointer = new WalCheckpointer(ConnectionString, _gate, TimeProvider.System, NullLogger<WalCheckpointer>.Instance)
        {
            RewindAtFrames = 1024,
            MinTimeBetweenLockedPasses = TimeSpan.Zero,
        };
        await checkpointer.StartAsync(CancellationToken.None);

        var longest = await WriteAsync();
        await checkpointer.StopAsync(CancellationToken.None);

        // Without the checkpointer the log holds every page written (> 50 MB); rewound, it holds a few passes' worth.
        Assert.InRange(longest, 0, (long)Transactions * BytesPerTransaction / 2);
        Assert.True(checkpointer.LastPass.Copied > 0);
    }

    [Fact]
    public async Task WithoutTheCheckpointer_TheLogKeepsEverything()
    {
        var longest = await WriteAsync();

        Assert.True(longest >= (long)Transactions * BytesPerTransaction);
    }
}
