using System.Globalization;
using System.Reflection;

namespace Hearth.Supervisor.Storage;

/// <summary>
/// The versioned schema scripts embedded in this assembly, one folder per backend
/// (<c>Storage/Migrations/sqlite</c>, and so on), in version order.
/// </summary>
public static class MigrationScripts
{
    public static IReadOnlyList<MigrationScript> For(string backend)
    {
        var prefix = $"Migrations/{backend}/";
        var assembly = typeof(MigrationScripts).Assembly;
        var scripts = new List<MigrationScript>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(prefix, StringComparison.Ordinal) || !resource.EndsWith(".sql", StringComparison.Ordinal))
            {
                continue;
            }

            var file = resource[prefix.Length..^".sql".Length];
            var underscore = file.IndexOf('_', StringComparison.Ordinal);
            if (underscore <= 0 || !int.TryParse(file[..underscore], NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                throw new InvalidOperationException($"migration {resource} is not named NNNN_name.sql");
            }

            scripts.Add(new MigrationScript(version, file[(underscore + 1)..], Read(assembly, resource)));
        }

        scripts.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 1; i < scripts.Count; i++)
        {
            if (scripts[i].Version == scripts[i - 1].Version)
            {
                throw new InvalidOperationException($"two {backend} migrations share version {scripts[i].Version}");
            }
        }

        return scripts;
    }

    private static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
