using Hearth.Supervisor.Storage.Sqlite;

namespace Hearth.Supervisor.Storage;

/// <summary>Chooses the storage backend from the options: SQLite in the data directory unless a connection string says otherwise.</summary>
public static class StorageFactory
{
    public static IStorageBackend Create(SupervisorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var database = options.Database?.Trim();
        if (string.IsNullOrEmpty(database))
        {
            return SqliteBackend.InDirectory(options.DataDirectory, options.Time);
        }

        if (database.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase))
        {
            return new SqliteBackend($"Data Source={database["sqlite:".Length..]}", options.Time);
        }

        if (database.StartsWith("Data Source=", StringComparison.OrdinalIgnoreCase))
        {
            return new SqliteBackend(database, options.Time);
        }

        throw new ArgumentException(
            $"database \"{Redact(database)}\" is not understood: use \"sqlite:PATH\" or a SQLite \"Data Source=PATH\" connection string");
    }

    private static string Redact(string connection) =>
        connection.Contains("password", StringComparison.OrdinalIgnoreCase) ? connection[..Math.Min(12, connection.Length)] + "..." : connection;
}
