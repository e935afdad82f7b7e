using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Checkout.Core.Data;

/// <summary>How a table's columns map to one entity type and the owned references stored in its row, read from EF's model.</summary>
internal static class RowMapping
{
    /// <summary>The type's table, when it has one and shares it with nothing but owned references of its own.</summary>
    public static ITable? TableOf(IEntityType type)
    {
        if (type.GetTableMappings().FirstOrDefault() is not { } mapping) return null;
        var table = mapping.Table;
        return OwnedReferencesShare(type, table)
            && table.EntityTypeMappings.All(m => m.TypeBase == type || IsOwnedReferenceIn(m.TypeBase as IEntityType, type))
            ? table
            : null;
    }

    /// <summary>An owned reference stored in its owner's row: written with that row, not on its own.</summary>
    public static bool SharesOwnersRow(IEntityType type) =>
        type.FindOwnership() is { IsUnique: true } ownership
        && ownership.PrincipalEntityType.GetTableMappings().FirstOrDefault()?.Table is { } ownerTable
        && type.GetTableMappings().Any(m => m.Table == ownerTable);

    /// <summary>The type whose row an owned reference is stored in (itself for any other type).</summary>
    public static IEntityType RowTypeOf(IEntityType type)
    {
        while (SharesOwnersRow(type)) type = type.FindOwnership()!.PrincipalEntityType;
        return type;
    }

    // The root's own property for the column, else an owned type's; a column only a shadow property of an owned
    // type fills is not covered.
    public static IColumnMapping? MappingOf(IEntityType root, IColumn column) =>
        column.PropertyMappings.FirstOrDefault(m => m.Property.DeclaringType == root)
        ?? column.PropertyMappings.FirstOrDefault(m => !m.Property.IsShadowProperty());

    // The owned-reference navigations from the root down to the type that declares a property.
    public static List<INavigation>? PathTo(IEntityType root, ITypeBase declaring)
    {
        var path = new List<INavigation>();
        var type = declaring as IEntityType;
        while (type is not null && type != root)
        {
            var ownership = type.FindOwnership();
            if (ownership?.PrincipalToDependent is not { IsCollection: false } navigation) return null;
            path.Insert(0, navigation);
            type = ownership.PrincipalEntityType;
        }
        return type == root ? path : null;
    }

    /// <summary>Reads a property of an owned reference (or of the root itself) from the root's object; null when a reference on the way is null.</summary>
    public static Func<object, object?>? ClrReader(IEntityType root, IProperty property)
    {
        if (property.IsShadowProperty() || PathTo(root, property.DeclaringType) is not { } path) return null;
        var read = property.GetGetter();
        var navigations = path.Select(n => n.GetGetter()).ToArray();
        return row =>
        {
            object? target = row;
            foreach (var navigation in navigations)
            {
                target = navigation.GetClrValue(target);
                if (target is null) return null;
            }
            return read.GetClrValue(target);
        };
    }

    /// <summary>The value as the column stores it.</summary>
    public static Func<object?, object?> ToProvider(IProperty property) =>
        property.GetTypeMapping().Converter is { } converter ? value => value is null ? null : converter.ConvertToProvider(value) : value => value;

    // Every owned reference (and theirs, in turn) must live in the root's table, or its columns would be left out.
    private static bool OwnedReferencesShare(IEntityType type, ITable table) =>
        type.GetNavigations()
            .Where(n => n.ForeignKey.IsOwnership && !n.IsCollection)
            .All(n => n.TargetEntityType.GetTableMappings().Any(m => m.Table == table) && OwnedReferencesShare(n.TargetEntityType, table));

    private static bool IsOwnedReferenceIn(IEntityType? type, IEntityType root)
    {
        while (type is not null && type != root)
        {
            if (type.FindOwnership() is not { IsUnique: true } ownership) return false;
            type = ownership.PrincipalEntityType;
        }
        return type == root;
    }
}
