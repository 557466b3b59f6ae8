using System.Globalization;
using System.Text;

namespace Hearth.Worker;

/// <summary>
/// The file named by <c>HEARTH_ALLOCATION_FILE</c>: a subjob's current allocation as shell-style
/// <c>KEY=VALUE</c> lines, so a script can <c>. "$HEARTH_ALLOCATION_FILE"</c>. It is rewritten atomically
/// (write, then rename) whenever an <c>N-M</c> subjob grows; <c>HEARTH_ALLOCATION_GENERATION</c> counts the rewrites.
/// </summary>
/// <example>
/// QB_JOBSLOTS=4
/// HEARTH_ALLOCATION=host.memory=512,host.processors=4
/// HEARTH_ALLOCATION_GENERATION=2
/// </example>
internal static class AllocationFile
{
    /// <summary>
    /// Writes the allocation. A file a process may be reading is replaced atomically (write, then rename); the
    /// first one, written before the process starts, needs no rename.
    /// </summary>
    public static void Write(string path, IReadOnlyDictionary<string, int> allocations, int generation, bool replace)
    {
        if (!replace)
        {
            File.WriteAllText(path, Text(allocations, generation));
            return;
        }

        var temp = path + ".tmp";
        File.WriteAllText(temp, Text(allocations, generation));
        File.Move(temp, path, overwrite: true);
    }

    private static string Text(IReadOnlyDictionary<string, int> allocations, int generation) => new StringBuilder()
        .Append("QB_JOBSLOTS=").Append(Slots(allocations)).Append('\n')
        .Append("HEARTH_ALLOCATION=").Append(Format(allocations)).Append('\n')
        .Append("HEARTH_ALLOCATION_GENERATION=").Append(generation.ToString(CultureInfo.InvariantCulture)).Append('\n')
        .ToString();

    public static string Slots(IReadOnlyDictionary<string, int> allocations) =>
        allocations.GetValueOrDefault("host.processors").ToString(CultureInfo.InvariantCulture);

    public static string Format(IReadOnlyDictionary<string, int> allocations) =>
        string.Join(',', allocations.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key}={kv.Value}")));
}
