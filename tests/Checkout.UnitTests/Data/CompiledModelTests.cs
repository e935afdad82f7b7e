using Checkout.Core.Data;
using Checkout.Core.Data.CompiledModels;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Checkout.UnitTests.Data;

/// <summary>
/// The app runs on the generated model in Data/CompiledModels (it skips model building at start-up). These tests
/// fail when the entity configurations change and the generated model was not regenerated.
/// </summary>
public sealed class CompiledModelTests : IDisposable
{
    private const string Regenerate =
        "The compiled model is stale; regenerate it: dotnet ef dbcontext optimize --project src/Checkout.Core " +
        "--startup-project src/Checkout.Web --output-dir Data/CompiledModels --namespace Checkout.Core.Data.CompiledModels";

    private readonly CheckoutDbContext _db = new(new DbContextOptionsBuilder<CheckoutDbContext>().UseSqlite("Data Source=:memory:").Options);

    public void Dispose() => _db.Dispose();

    // Built from OnModelCreating and the configurations, as migrations see it.
    private IModel Configured => _db.GetService<IDesignTimeModel>().Model;

    [Fact]
    public void Context_RunsOnTheCompiledModel()
    {
        Assert.Same(CheckoutDbContextModel.Instance, _db.Model);
    }

    [Fact]
    public void CompiledModel_HasTheSameSchemaAsTheConfigurations()
    {
        AssertSame(DescribeSchema(Configured), DescribeSchema(_db.Model));
    }

    [Fact]
    public void CompiledModel_MapsTheSameTypesPropertiesAndNavigationsAsTheConfigurations()
    {
        // What the schema cannot show: CLR types, converters, and which navigations load with their owner.
        AssertSame(Describe(Configured), Describe(_db.Model));
    }

    private static void AssertSame(SortedSet<string> configured, SortedSet<string> compiled)
    {
        var missing = configured.Except(compiled).ToList();
        var extra = compiled.Except(configured).ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0,
            $"{Regenerate}\nOnly in the configurations: {string.Join("; ", missing)}\nOnly in the compiled model: {string.Join("; ", extra)}");
    }

    private static SortedSet<string> DescribeSchema(IModel model)
    {
        var lines = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var table in model.GetRelationalModel().Tables)
        {
            lines.Add($"table {table.Name}");
            foreach (var column in table.Columns)
                lines.Add($"{table.Name}.{column.Name} {column.StoreType} null {column.IsNullable}");
            if (table.PrimaryKey is { } primaryKey)
                lines.Add($"{table.Name} primary key {primaryKey.Name} ({Columns(primaryKey.Columns)})");
            foreach (var unique in table.UniqueConstraints)
                lines.Add($"{table.Name} unique {unique.Name} ({Columns(unique.Columns)})");
            foreach (var foreignKey in table.ForeignKeyConstraints)
                lines.Add($"{table.Name} foreign key {foreignKey.Name} ({Columns(foreignKey.Columns)}) -> " +
                          $"{foreignKey.PrincipalTable.Name} ({Columns(foreignKey.PrincipalColumns)}) on delete {foreignKey.OnDeleteAction}");
            foreach (var index in table.Indexes)
                lines.Add($"{table.Name} index {index.Name} ({Columns(index.Columns)}) unique {index.IsUnique} filter {index.Filter}");
        }
        return lines;
    }

    private static string Columns(IEnumerable<IColumn> columns) => string.Join(",", columns.Select(c => c.Name));

    private static SortedSet<string> Describe(IModel model)
    {
        var lines = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var entity in model.GetEntityTypes())
        {
            lines.Add($"{entity.Name} table {entity.GetTableName()} owned {entity.IsOwned()}");
            foreach (var property in entity.GetProperties())
            {
                var converter = property.GetValueConverter();
                lines.Add($"{entity.Name}.{property.Name}: {property.ClrType} null {property.IsNullable} max {property.GetMaxLength()} " +
                          $"generated {property.ValueGenerated} concurrency {property.IsConcurrencyToken} " +
                          $"converter {converter?.GetType()} provider {property.GetProviderClrType()} shadow {property.IsShadowProperty()}");
            }
            foreach (var navigation in entity.GetNavigations())
                lines.Add($"{entity.Name}.{navigation.Name} -> {navigation.TargetEntityType.Name} collection {navigation.IsCollection} eager {navigation.IsEagerLoaded}");
            foreach (var key in entity.GetKeys())
                lines.Add($"{entity.Name} key ({string.Join(",", key.Properties.Select(p => p.Name))}) primary {key.IsPrimaryKey()}");
            foreach (var foreignKey in entity.GetForeignKeys())
                lines.Add($"{entity.Name} fk ({string.Join(",", foreignKey.Properties.Select(p => p.Name))}) -> {foreignKey.PrincipalEntityType.Name} " +
                          $"ownership {foreignKey.IsOwnership} required {foreignKey.IsRequired} delete {foreignKey.DeleteBehavior}");
            foreach (var index in entity.GetIndexes())
                lines.Add($"{entity.Name} index ({string.Join(",", index.Properties.Select(p => p.Name))}) unique {index.IsUnique}");
        }
        return lines;
    }
}
