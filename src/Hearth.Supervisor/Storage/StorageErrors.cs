namespace Hearth.Supervisor.Storage;

/// <summary>The store cannot be reached, or refused what start-up needs; the message says which store and why.</summary>
public sealed class StorageUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Another supervisor holds the store; two writing at once would each work from state the other is changing.</summary>
public sealed class StoreInUseException(string message) : Exception(message);

/// <summary>The stored schema is not one this supervisor can use, e.g. it was written by a newer one.</summary>
public sealed class SchemaMismatchException(string message) : Exception(message);

/// <summary>What a readiness probe learns from the store: whether it answers, and whether its schema is the expected one.</summary>
public sealed record StoreStatus(bool Reachable, int SchemaVersion, int ExpectedVersion, string? Problem)
{
    public bool Ready => Reachable && SchemaVersion == ExpectedVersion;
}

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
