namespace Checkout.Core.Data;

/// <summary>The settings every SQLite connection of the app gets once, when its physical connection first opens.</summary>
public static class SqliteConnectionSettings
{
    /// <summary>
    /// Writers wait for each other instead of failing with SQLITE_BUSY; commits are durable without an fsync each
    /// (WAL with synchronous=NORMAL); foreign keys are enforced; no commit checkpoints the log (see
    /// <see cref="WalCheckpointer"/>). For reads: in WAL mode every commit by another connection empties a
    /// connection's page cache, so each read would fetch its pages again with pread. Memory-mapping the file lets
    /// them be read in place from the OS cache. The map stops at 256 MB: every page read through it stays in the
    /// process's resident set, so a larger map lets RSS grow with the database; past it, pages go through the bounded
    /// page cache. Temporary tables and statement journals stay in memory instead of temp files.
    /// </summary>
    public const string Pragmas = "PRAGMA busy_timeout=10000; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
        + "PRAGMA mmap_size=268435456; PRAGMA cache_size=-8192; PRAGMA temp_store=MEMORY; " + WalCheckpointer.WriterPragmas;
}
