namespace Hearth.Supervisor.Web;

/// <summary>An algorithm instance as the admin pages list it; <paramref name="ColdStart"/> is null while it starts.</summary>
public sealed record InstanceRow(
    string Id, string Account, string Algorithm, string? Version, string Hash, string? Worker, string State, bool Reserved,
    long Calls, TimeSpan? ColdStart, DateTimeOffset CreatedAt, DateTimeOffset LastUsed)
{
    internal static InstanceRow Of(Algorithms.InstanceView i) =>
        new(i.Id, i.Account, i.Algorithm, i.Version, i.Hash, i.Worker, i.State, i.Reserved, i.CallsServed, i.ColdStart, i.CreatedAt, i.LastUsed);

    public string ShortHash => Hash.Length > 7 ? Hash[..7] : Hash;
}
