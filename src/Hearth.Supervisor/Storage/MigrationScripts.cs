using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Hearth.Supervisor.Storage.Postgres;
using Hearth.Supervisor.Storage.Sql;
using Hearth.Supervisor.Storage.Sqlite;

namespace Hearth.Supervisor.Storage;

/// <summary>
/// The versioned schema scripts embedded in this assembly (<c>Storage/Migrations/NNNN_name.sql</c>), in version
/// order. One script serves every backend: its <c>$(term)</c> placeholders, column types and key clauses, are
/// what the backend's dialect says they are. A script once shipped never changes: a PostgreSQL store keeps its
/// checksum and refuses a script that differs.
/// </summary>
public static partial class MigrationScripts
{
    private const string Prefix = "Migrations/";

    public static IReadOnlyList<MigrationScript> For(string backend)
    {
        SqlDialect dialect = backend switch
        {
            "sqlite" => SqliteDialect.Instance,
            "postgres" => PostgresDialect.Instance,
            _ => throw new ArgumentException($"no schema scripts for backend \"{backend}\"", nameof(backend)),
        };
        var assembly = typeof(MigrationScripts).Assembly;
        var scripts = new List<MigrationScript>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(Prefix, StringComparison.Ordinal) || !resource.EndsWith(".sql", StringComparison.Ordinal))
            {
                continue;
            }

            var file = resource[Prefix.Length..^".sql".Length];
            var underscore = file.IndexOf('_', StringComparison.Ordinal);
            if (underscore <= 0 || !int.TryParse(file[..underscore], NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                throw new InvalidOperationException($"migration {resource} is not named NNNN_name.sql");
            }

            scripts.Add(new MigrationScript(version, file[(underscore + 1)..], Expand(Read(assembly, resource), dialect, resource, backend)));
        }

        scripts.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 1; i < scripts.Count; i++)
        {
            if (scripts[i].Version == scripts[i - 1].Version)
            {
                throw new InvalidOperationException($"two migrations share version {scripts[i].Version}");
            }
        }

        return scripts;
    }

    private static string Expand(string sql, SqlDialect dialect, string resource, string backend) =>
        Placeholder().Replace(sql, match => dialect.SchemaTerm(match.Groups[1].Value)
            ?? throw new InvalidOperationException($"migration {resource} uses {match.Value}, which the {backend} dialect does not define"));

    private static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    [GeneratedRegex(@"\$\((\w+)\)")]
    private static partial Regex Placeholder();
}
