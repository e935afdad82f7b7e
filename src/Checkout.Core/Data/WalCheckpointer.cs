using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Checkout.Core.Data;

/// <summary>
/// Copies the SQLite write-ahead log back into the database file from a connection of its own. Left to SQLite,
/// the commit that happens to cross the log's 1,000-page mark does that copy and its fsync itself, holding the
/// write lock, so every writer queued behind it waits on disk I/O. Writers' connections turn that off
/// (<see cref="WriterPragmas"/>) and this service checkpoints in the background instead: a PASSIVE pass copies
/// the bulk while writers go on; once the log is long, a second pass under the write gate copies the few pages
/// they added meanwhile, and a log copied in full is rewound by the next writer, so it stays short.
/// </summary>
public sealed class WalCheckpointer(string connectionString, SqliteWriteGate gate, TimeProvider clock, ILogger<WalCheckpointer> logger)
    : BackgroundService
{
    /// <summary>For every connection that may write: no checkpoint inside its commits.</summary>
    public const string WriterPragmas = "PRAGMA wal_autocheckpoint=0;";

    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Once the log is this long (by default 65,536 pages, about 256 MB), the locked pass lets the next writer rewind
    /// it. Each locked pass pauses the writers for two fsyncs (tens of milliseconds on a virtual disk): at full load
    /// that is one pause every several seconds, not several a second. A quiet server's log stays far shorter.
    /// </summary>
    public long RewindAtFrames { get; init; } = 65536;

    /// <summary>The shortest time between two locked passes: each one pauses the writers.</summary>
    public TimeSpan MinTimeBetweenLockedPasses { get; init; } = TimeSpan.FromSeconds(2);

    private const int MaxCatchUpPasses = 8;
    private static readonly TimeSpan ShortPass = TimeSpan.FromMilliseconds(5);

    /// <summary>The log's frames and how many of them are in the database file after the last pass (tests, diagnostics).</summary>
    public (long Frames, long Copied) LastPass { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = new SqliteConnectionStringBuilder(connectionString) { Pooling = false };
        if (settings.Mode == SqliteOpenMode.Memory || settings.DataSource is "" or ":memory:") return;
        await using var connection = new SqliteConnection(settings.ToString());
        await connection.OpenAsync(stoppingToken);
        await using (var busy = connection.CreateCommand())
        {
            busy.CommandText = "PRAGMA busy_timeout=5000;";
            await busy.ExecuteNonQueryAsync(stoppingToken);
        }
        await using var checkpoint = connection.CreateCommand();
        checkpoint.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";

        using var timer = new PeriodicTimer(Interval, clock);
        var lastLockedPass = 0L;
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                // The bulk of the copy and its fsync: synchronous file I/O, off the request threads' way.
                var (frames, copied, took) = await UnlockedPassAsync(checkpoint, stoppingToken);
                // Catch up while the writers go on until a pass finds little new to copy, so the locked pass copies
                // only that little and the writers' pause is short.
                for (var i = 0; i < MaxCatchUpPasses && frames >= RewindAtFrames && took > ShortPass; i++)
                    (frames, copied, took) = await UnlockedPassAsync(checkpoint, stoppingToken);
                // A log copied in full is rewound by the next writer without help; one just rewound is short again.
                // The next writer skips the rewind while a reader is still in the log, so after a locked pass the
                // next one waits a while: a pause for the writers each tick would add up to a slow second.
                if (frames >= RewindAtFrames && copied < frames && clock.GetElapsedTime(lastLockedPass) >= MinTimeBetweenLockedPasses)
                {
                    using (await gate.HoldAsync(stoppingToken)) (frames, copied) = Pass(checkpoint);
                    lastLockedPass = clock.GetTimestamp();
                }
                LastPass = (frames, copied);
            }
            catch (SqliteException ex)
            {
                logger.LogWarning(ex, "WAL checkpoint failed; trying again in {Interval}.", Interval);
            }
            catch (TimeoutException ex)
            {
                logger.LogWarning(ex, "WAL checkpoint waited too long for the writers; trying again in {Interval}.", Interval);
            }
        }
    }

    private async Task<(long Frames, long Copied, TimeSpan Took)> UnlockedPassAsync(SqliteCommand checkpoint, CancellationToken cancellationToken)
    {
        var started = clock.GetTimestamp();
        var (frames, copied) = await Task.Run(() => Pass(checkpoint), cancellationToken);
        return (frames, copied, clock.GetElapsedTime(started));
    }

    private static (long Frames, long Copied) Pass(SqliteCommand checkpoint)
    {
        using var result = checkpoint.ExecuteReader();
        return result.Read() ? (result.GetInt64(1), result.GetInt64(2)) : (0, 0);
    }
}
