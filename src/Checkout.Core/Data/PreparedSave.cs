using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Update;

namespace Checkout.Core.Data;

/// <summary>
/// SaveChanges for a context joined to the group-commit writer (a confirm, its Idempotency-Key record, a batch of
/// callback results). EF's update pipeline plans, sorts and generates the SQL of every save anew, on the one thread
/// every write waits for; here each changed row is one execution of an INSERT or UPDATE generated once per table
/// from EF's own model and kept prepared on the writer's connection. The outcome is EF's: the save is all or nothing
/// (under a savepoint of its own), a stale concurrency token fails it with <see cref="DbUpdateConcurrencyException"/>
/// and a broken constraint with <see cref="DbUpdateException"/>, generated keys are read back, changes are accepted,
/// and the save interceptors hear of it (<see cref="ISaveFollower"/>). Unlike EF, an UPDATE sets every column of the
/// row from the tracked values (one statement per table, not one per set of changed columns): a row whose tracked
/// copy may be stale is guarded by its concurrency token, as orders, balances, refunds and deliveries are. A change
/// set this does not cover (a delete, a mapping it cannot read) is left to EF. Used by the writer's thread only.
/// </summary>
internal sealed class PreparedSave : IDisposable
{
    private readonly DbContext _writer;
    private readonly Func<Type, PreparedInsert?> _insertFor;
    private readonly SqliteConnection _connection;
    private readonly Dictionary<IEntityType, RowStatements?> _rows = [];
    private readonly Dictionary<IEntityType, int> _ranks = [];
    private readonly Dictionary<IEntityType, IEntityType?> _ownersRows = [];
    private readonly ISaveFollower[] _followers;
    private readonly bool _everyInterceptorFollows;
    private readonly DbCommand _savepoint;
    private readonly DbCommand _release;
    private readonly DbCommand _rollback;

    public PreparedSave(DbContext writer, IEnumerable<IInterceptor> interceptors, Func<Type, PreparedInsert?> insertFor)
    {
        _writer = writer;
        _insertFor = insertFor;
        _connection = (SqliteConnection)writer.Database.GetDbConnection();
        var saveInterceptors = interceptors.OfType<ISaveChangesInterceptor>().ToList();
        _followers = saveInterceptors.OfType<ISaveFollower>().ToArray();
        _everyInterceptorFollows = saveInterceptors.Count == _followers.Length;
        _savepoint = Statement("SAVEPOINT prepared_save");
        _release = Statement("RELEASE SAVEPOINT prepared_save");
        _rollback = Statement("ROLLBACK TO SAVEPOINT prepared_save");
    }

    /// <summary>
    /// Saves <paramref name="context"/>'s changes inside <paramref name="transaction"/>, as SaveChanges would, and with
    /// them <paramref name="newRows"/>: rows that exist only to be written (the outbox's), inserted after the tracked
    /// changes and never tracked. Returns the entries and rows written, or null (nothing done) when EF must save them,
    /// new rows included.
    /// </summary>
    public int? TrySave(DbContext context, DbTransaction transaction, bool acceptAllChangesOnSuccess, IReadOnlyList<object> newRows)
    {
        if (!_everyInterceptorFollows || context.Model != _writer.Model) return null;
        var inserts = new PreparedInsert[newRows.Count];
        for (var i = 0; i < newRows.Count; i++)
        {
            if (_insertFor(newRows[i].GetType()) is not { } insert || !insert.CanInsert(newRows[i])) return null;
            inserts[i] = insert;
        }
        foreach (var follower in _followers) follower.Saving(context, newRows);
        var tracker = context.ChangeTracker;
        if (tracker.AutoDetectChangesEnabled) tracker.DetectChanges();
        if (Plan(tracker) is not { } plan) return null;
        if (plan.Writes.Count == 0 && newRows.Count == 0) return 0;

        Run(_savepoint, transaction);
        var generated = new List<(EntityEntry Entry, IProperty Key, object? Temporary)>();
        try
        {
            foreach (var (rows, entry, insert) in plan.Writes)
            {
                if (!insert) rows.Update(entry, transaction);
                else if (rows.Insert(entry, transaction) is { } key) generated.Add((entry, key.Property, key.Temporary));
            }
            for (var i = 0; i < newRows.Count; i++) inserts[i].Execute(newRows[i], transaction);
            Run(_release, transaction);
        }
        catch (Exception failure)
        {
            Run(_rollback, transaction);
            Run(_release, transaction);
            // The rows are not there: their keys are temporary again, as EF leaves them after a failed save.
            foreach (var (entry, key, temporary) in generated)
            {
                var property = entry.Property(key.Name);
                property.CurrentValue = temporary;
                property.IsTemporary = true;
            }
            foreach (var follower in _followers) follower.SaveFailed(context);
            if (failure is DbException database)
                throw new DbUpdateException("An error occurred while saving the entity changes.", database, plan.Writes.Select(w => w.Entry).ToList());
            throw;
        }
        if (acceptAllChangesOnSuccess) tracker.AcceptAllChanges();
        foreach (var follower in _followers) follower.Saved(context);
        return plan.Count + newRows.Count;
    }

    private sealed record SavePlan(List<(RowStatements Rows, EntityEntry Entry, bool Insert)> Writes, int Count);

    // Which row each change writes, principals before dependents; null when a change is one this does not cover.
    private SavePlan? Plan(ChangeTracker tracker)
    {
        var writes = new List<(RowStatements Rows, EntityEntry Entry, bool Insert)>();
        var written = new HashSet<object>(ReferenceEqualityComparer.Instance);
        var ownersToWrite = new List<(IEntityType RowType, object? Key)>();
        var count = 0;
        var entries = tracker.TrackedEntries<object>();
        foreach (var entry in entries)
        {
            if (entry.State is EntityState.Unchanged or EntityState.Detached) continue;
            count++;
            var type = entry.Metadata;
            if (OwnersRowType(type) is { } ownerType)
            {
                // An owned reference (set, replaced or cleared) is columns of its owner's row: that row is written.
                if (SingleKey(entry) is not { } key) return null;
                ownersToWrite.Add((ownerType, key));
                continue;
            }
            if (entry.State == EntityState.Deleted || RowsFor(type) is not { } rows) return null;
            writes.Add((rows, entry, entry.State == EntityState.Added));
            written.Add(entry.Entity);
        }
        foreach (var (rowType, key) in ownersToWrite)
        {
            if (FindEntry(entries, rowType, key) is not { } owner || RowsFor(rowType) is not { } rows) return null;
            if (!written.Add(owner.Entity)) continue;
            if (owner.State != EntityState.Unchanged) return null; // deleted or detached while its owned part changed
            writes.Add((rows, owner, false));
        }
        return new SavePlan([.. writes.OrderBy(w => w.Rows.Rank)], count);
    }

    private static object? SingleKey(EntityEntry entry) =>
        entry.Metadata.FindPrimaryKey() is { Properties: [var key] } ? entry.CurrentValues[key] : null;

    private static EntityEntry? FindEntry(List<EntityEntry<object>> entries, IEntityType rowType, object? key) =>
        rowType.FindPrimaryKey() is { Properties: [var keyProperty] }
            ? entries.FirstOrDefault(e => e.Metadata == rowType && Equals(e.CurrentValues[keyProperty], key))
            : null;

    // For an owned reference stored in its owner's row, the type of that row; null for a type with rows of its own.
    // Read from the model once per type: every save asks it of every changed entry.
    private IEntityType? OwnersRowType(IEntityType type)
    {
        if (!_ownersRows.TryGetValue(type, out var owner))
            _ownersRows[type] = owner = RowMapping.SharesOwnersRow(type) ? RowMapping.RowTypeOf(type) : null;
        return owner;
    }

    private RowStatements? RowsFor(IEntityType type)
    {
        if (!_rows.TryGetValue(type, out var rows))
            _rows[type] = rows = RowStatements.TryCreate(_writer, _connection, type, RankOf(type, []));
        return rows;
    }

    // How deep the type sits under the tables it refers to: rows are written in rank order, so a new row's
    // principal is always written before it.
    private int RankOf(IEntityType type, HashSet<IEntityType> visiting)
    {
        if (_ranks.TryGetValue(type, out var rank)) return rank;
        if (!visiting.Add(type)) return 0;
        rank = type.GetForeignKeys()
            .Select(fk => RowMapping.RowTypeOf(fk.PrincipalEntityType))
            .Where(principal => principal != type)
            .Select(principal => RankOf(principal, visiting) + 1)
            .DefaultIfEmpty(0)
            .Max();
        visiting.Remove(type);
        return _ranks[type] = rank;
    }

    private DbCommand Statement(string sql)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        return command;
    }

    private static void Run(DbCommand statement, DbTransaction transaction)
    {
        statement.Transaction = transaction;
        statement.ExecuteNonQuery();
    }

    public void Dispose()
    {
        foreach (var rows in _rows.Values) rows?.Dispose();
        _savepoint.Dispose();
        _release.Dispose();
        _rollback.Dispose();
    }

    /// <summary>The prepared INSERT and UPDATE of one type's rows, with its owned references as columns of the row.</summary>
    private sealed class RowStatements : IDisposable
    {
        private readonly DbCommand _insert;
        private readonly Func<EntityEntry, object?>[] _insertValues;
        private readonly IProperty? _generatedKey;
        private readonly DbCommand _update;
        private readonly Func<EntityEntry, object?>[] _updateValues;

        private RowStatements(int rank, DbCommand insert, Func<EntityEntry, object?>[] insertValues, IProperty? generatedKey,
            DbCommand update, Func<EntityEntry, object?>[] updateValues)
        {
            Rank = rank;
            _insert = insert;
            _insertValues = insertValues;
            _generatedKey = generatedKey;
            _update = update;
            _updateValues = updateValues;
        }

        public int Rank { get; }

        /// <summary>Inserts the row; returns its key when the database generated it (now set on the entry).</summary>
        public (IProperty Property, object? Temporary)? Insert(EntityEntry entry, DbTransaction transaction)
        {
            Execute(_insert, _insertValues, entry, transaction);
            if (_generatedKey is null) return null;
            var key = entry.Property(_generatedKey.Name);
            var temporary = key.CurrentValue;
            key.CurrentValue = SQLitePCL.raw.sqlite3_last_insert_rowid(((SqliteConnection)_insert.Connection!).Handle);
            key.IsTemporary = false;
            return (_generatedKey, temporary);
        }

        /// <summary>Updates the row, provided its concurrency tokens still hold what this context read.</summary>
        public void Update(EntityEntry entry, DbTransaction transaction)
        {
            if (Execute(_update, _updateValues, entry, transaction) == 1) return;
            // The exception names the entry as EF's own would; only its constructor takes the entry's internal form.
#pragma warning disable EF1001
            IUpdateEntry conflicted = entry.GetInfrastructure();
#pragma warning restore EF1001
            throw new DbUpdateConcurrencyException($"The {entry.Metadata.DisplayName()} was changed or deleted since it was read.", [conflicted]);
        }

        private static int Execute(DbCommand command, Func<EntityEntry, object?>[] values, EntityEntry entry, DbTransaction transaction)
        {
            command.Transaction = transaction;
            for (var i = 0; i < values.Length; i++) command.Parameters[i].Value = values[i](entry) ?? DBNull.Value;
            return command.ExecuteNonQuery();
        }

        public static RowStatements? TryCreate(DbContext db, SqliteConnection connection, IEntityType type, int rank)
        {
            if (RowMapping.TableOf(type) is not { } table || type.FindPrimaryKey() is not { } primaryKey) return null;
            var generatedKey = primaryKey.Properties is [{ ValueGenerated: ValueGenerated.OnAdd } only] && only.ClrType == typeof(long) ? only : null;
            var columns = new List<(IColumn Column, IColumnMapping Mapping, Func<EntityEntry, object?> Current)>();
            foreach (var column in table.Columns)
            {
                if (RowMapping.MappingOf(type, column) is not { } mapping || CurrentValue(type, mapping.Property) is not { } current) return null;
                // Values the database makes are read back only for a generated key.
                if (mapping.Property.ValueGenerated != ValueGenerated.Never && mapping.Property != generatedKey) return null;
                columns.Add((column, mapping, current));
            }
            var tokens = new List<(IColumn Column, IColumnMapping Mapping, Func<EntityEntry, object?> Original)>();
            foreach (var (column, mapping, _) in columns.Where(c => c.Mapping.Property.IsConcurrencyToken))
            {
                if (mapping.Property.DeclaringType != type) return null; // a token inside an owned part has no original value here
                var toProvider = RowMapping.ToProvider(mapping.Property);
                var property = mapping.Property;
                tokens.Add((column, mapping, entry => toProvider(entry.OriginalValues[property])));
            }

            var sql = db.GetService<ISqlGenerationHelper>();
            var tableName = sql.DelimitIdentifier(table.Name, table.Schema);
            var keyColumns = columns.Where(c => primaryKey.Properties.Contains(c.Mapping.Property)).ToList();
            if (keyColumns.Count != primaryKey.Properties.Count) return null;

            var inserted = columns.Where(c => c.Mapping.Property != generatedKey).ToList();
            var insert = new Statement(connection, sql);
            var placeholders = inserted.Select(c => insert.Parameter(c.Mapping, c.Column, c.Current)).ToList();
            insert.Command.CommandText = $"INSERT INTO {tableName} ({string.Join(", ", inserted.Select(c => sql.DelimitIdentifier(c.Column.Name)))}) " +
                $"VALUES ({string.Join(", ", placeholders)})";

            var update = new Statement(connection, sql);
            var set = columns.Except(keyColumns).Select(c => $"{sql.DelimitIdentifier(c.Column.Name)} = {update.Parameter(c.Mapping, c.Column, c.Current)}").ToList();
            var where = keyColumns.Select(c => $"{sql.DelimitIdentifier(c.Column.Name)} = {update.Parameter(c.Mapping, c.Column, c.Current)}")
                .Concat(tokens.Select(t => $"{sql.DelimitIdentifier(t.Column.Name)} IS {update.Parameter(t.Mapping, t.Column, t.Original)}"))
                .ToList();
            if (set.Count == 0)
            {
                insert.Command.Dispose();
                update.Command.Dispose();
                return null;
            }
            update.Command.CommandText = $"UPDATE {tableName} SET {string.Join(", ", set)} WHERE {string.Join(" AND ", where)}";
            return new RowStatements(rank, insert.Command, [.. insert.Values], generatedKey, update.Command, [.. update.Values]);
        }

        /// <summary>A command being built: each parameter with the reader of its value, in order.</summary>
        private sealed class Statement(SqliteConnection connection, ISqlGenerationHelper sql)
        {
            public DbCommand Command { get; } = connection.CreateCommand();
            public List<Func<EntityEntry, object?>> Values { get; } = [];

            /// <summary>Adds a parameter for the column; returns its placeholder for the SQL.</summary>
            public string Parameter(IColumnMapping mapping, IColumn column, Func<EntityEntry, object?> value)
            {
                var name = $"p{Values.Count}";
                Command.Parameters.Add(mapping.TypeMapping.CreateParameter(Command, sql.GenerateParameterName(name), null, column.IsNullable));
                Values.Add(value);
                return sql.GenerateParameterNamePlaceholder(name);
            }
        }

        // The column's current value: a property of the row's own type straight from its entry (shadow ones too), one
        // of an owned reference through the owner's object.
        private static Func<EntityEntry, object?>? CurrentValue(IEntityType type, IProperty property)
        {
            var toProvider = RowMapping.ToProvider(property);
            if (property.DeclaringType == type)
            {
                if (property.IsShadowProperty()) return entry => toProvider(entry.CurrentValues[property]);
                var getter = property.GetGetter();
                return entry => toProvider(getter.GetClrValue(entry.Entity));
            }
            return RowMapping.ClrReader(type, property) is { } read ? entry => toProvider(read(entry.Entity)) : null;
        }

        public void Dispose()
        {
            _insert.Dispose();
            _update.Dispose();
        }
    }
}
