using System.Data.Common;
using Hearth.Supervisor.Storage.Postgres;
using Hearth.Supervisor.Storage.Sqlite;

namespace Hearth.Supervisor.Storage;

/// <summary>
/// Chooses the storage backend from the options: SQLite in the data directory unless <c>--db</c> names
/// another store. A PostgreSQL connection string (<c>Host=...;Username=...;Database=...</c>) or a
/// <c>postgres://</c>/<c>postgresql://</c> URL selects PostgreSQL; <c>sqlite:PATH</c> or
/// <c>Data Source=PATH</c> selects a SQLite file elsewhere.
/// </summary>
public static class StorageFactory
{
    private const string Forms =
        "use a PostgreSQL connection string such as \"Host=db1;Username=hearth;Database=hearth\", a postgres:// URL, "
        + "\"sqlite:PATH\" or a SQLite \"Data Source=PATH\" connection string";

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

        if (database.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || database.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            return new PostgresBackend(PostgresUrl.ToConnectionString(database), options.Time) { ClaimHold = PostgresClaim.HoldFor(options.HeartbeatTimeout) };
        }

        var keys = Keys(database);
        if (keys.Contains("data source") || keys.Contains("datasource") || keys.Contains("filename"))
        {
            return new SqliteBackend(database, options.Time);
        }

        if (keys.Contains("host") || keys.Contains("server"))
        {
            return new PostgresBackend(database, options.Time) { ClaimHold = PostgresClaim.HoldFor(options.HeartbeatTimeout) };
        }

        throw new ArgumentException($"database \"{Redact(database)}\" names no backend: {Forms}");
    }

    private static HashSet<string> Keys(string connection)
    {
        var builder = new DbConnectionStringBuilder();
        try
        {
            builder.ConnectionString = connection;
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"database \"{Redact(connection)}\" is not a connection string ({e.Message}): {Forms}", e);
        }

        return builder.Keys.Cast<string>().Select(k => k.Trim().ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>A connection string for messages, with any password replaced.</summary>
    public static string Redact(string connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (connection.Contains("://", StringComparison.Ordinal))
        {
            return Uri.TryCreate(connection, UriKind.Absolute, out var uri) && uri.UserInfo.Contains(':', StringComparison.Ordinal)
                ? connection.Replace(uri.UserInfo, uri.UserInfo[..uri.UserInfo.IndexOf(':', StringComparison.Ordinal)] + ":***", StringComparison.Ordinal)
                : connection;
        }

        var parts = connection.Split(';').Select(part =>
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            var key = equals < 0 ? part : part[..equals].Trim();
            return key.Equals("password", StringComparison.OrdinalIgnoreCase) || key.Equals("pwd", StringComparison.OrdinalIgnoreCase)
                ? $"{part[..equals]}=***"
                : part;
        });
        return string.Join(';', parts);
    }
}
