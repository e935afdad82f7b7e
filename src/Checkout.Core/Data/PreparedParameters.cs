using Microsoft.Data.Sqlite;

namespace Checkout.Core.Data;

/// <summary>Binds a kept, prepared statement to the parameters of the command it runs for.</summary>
internal static class PreparedParameters
{
    public static void CopyTo(SqliteCommand command, SqliteCommand statement)
    {
        statement.Parameters.Clear();
        foreach (SqliteParameter parameter in command.Parameters)
        {
            statement.Parameters.Add(new SqliteParameter(parameter.ParameterName, parameter.Value)
            {
                SqliteType = parameter.SqliteType,
                Size = parameter.Size,
            });
        }
    }
}
