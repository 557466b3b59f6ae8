using Hearth.Core.Algorithms;

namespace Hearth.Core.Reservations;

/// <summary>What a reservation keeps warm right now: a build, the version it was reached through, and how to start it.</summary>
public sealed record ReservationTarget(ResolvedBuild Build, InstanceTemplate Template)
{
    public string Hash => Build.Hash;

    /// <summary><c>1.2.0 (0123abc)</c>, or just the short hash for an unpublished build.</summary>
    public string Describe() => Build.Version is { } v ? $"{v} ({ShortHash(Hash)})" : ShortHash(Hash);

    internal static string ShortHash(string hash) => hash.Length > 7 ? hash[..7] : hash;
}
