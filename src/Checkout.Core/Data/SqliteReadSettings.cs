namespace Checkout.Core.Data;

/// <summary>Per-connection SQLite settings that make reads cheap.</summary>
public static class SqliteReadSettings
{
    /// <summary>
    /// In WAL mode every commit by another connection empties a connection's page cache, so each read would
    /// fetch its pages again with pread (a syscall and a copy per page). Memory-mapping the file lets those
    /// pages be read in place from the OS cache. The map stops at 256 MB: every page read through it stays in the
    /// process's resident set, so a larger map lets RSS grow with the database; past it, pages go through the bounded
    /// page cache, which a larger size keeps hot index pages in between commits. Temporary tables and statement
    /// journals stay in memory instead of temp files.
    /// </summary>
    public const string Pragmas = "PRAGMA mmap_size=268435456; PRAGMA cache_size=-8192; PRAGMA temp_store=MEMORY;";
}
