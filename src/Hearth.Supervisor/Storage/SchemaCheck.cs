namespace Hearth.Supervisor.Storage;

/// <summary>Checks shared by the backends' migration runners.</summary>
public static class SchemaCheck
{
    /// <summary>Refuses a store holding migrations this code does not know: a newer supervisor has used it.</summary>
    public static void RefuseUnknown(IEnumerable<int> applied, IReadOnlyList<MigrationScript> known, string store)
    {
        ArgumentNullException.ThrowIfNull(known);
        var versions = known.Select(s => s.Version).ToHashSet();
        var unknown = applied.Where(v => !versions.Contains(v)).Order().ToList();
        if (unknown.Count > 0)
        {
            throw new SchemaMismatchException(
                $"{store} has schema migration {string.Join(", ", unknown)} that this supervisor does not know (it knows up to {versions.DefaultIfEmpty(0).Max()}); it was written by a newer Hearth");
        }
    }
}
