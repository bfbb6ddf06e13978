using Microsoft.Data.Sqlite;

namespace NodeFirmware.Procedures.Tests.Runner;

/// <summary>What a procedure left in the receiver's SQLite database: the first column of a query's rows, as text.</summary>
public static class DatabaseRows
{
    public static List<string> Of(SqliteConnection db, string sql)
    {
        using var query = db.CreateCommand();
        query.CommandText = sql;
        using var reader = query.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read()) rows.Add(reader.GetString(0));
        return rows;
    }
}
