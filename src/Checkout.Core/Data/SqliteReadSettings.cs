namespace Checkout.Core.Data;

/// <summary>Per-connection SQLite settings that make reads cheap.</summary>
public static class SqliteReadSettings
{
    /// <summary>
    /// In WAL mode every commit by another connection empties a connection's page cache, so each read would
    /// fetch its pages again with pread (a syscall and a copy per page). Memory-mapping the file lets those
    /// pages be read in place from the OS cache (up to 4 GB of file: address space, not memory); a larger cache keeps
    /// hot index pages between commits; temporary tables and statement journals stay in memory instead of temp files.
    /// </summary>
    public const string Pragmas = "PRAGMA mmap_size=4294967296; PRAGMA cache_size=-8192; PRAGMA temp_store=MEMORY;";
}
