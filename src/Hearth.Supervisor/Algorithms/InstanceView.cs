using Hearth.Core.Algorithms;

namespace Hearth.Supervisor.Algorithms;

/// <summary>One instance as <c>hearth instances</c> lists it.</summary>
internal sealed record InstanceView(
    string Id, string Account, string Algorithm, string Hash, string? Version, string? Worker, string State, bool Reserved,
    DateTimeOffset LastUsed, DateTimeOffset CreatedAt, long CallsServed)
{
    /// <summary>How long it took from being asked for to being ready; null while it starts.</summary>
    public TimeSpan? ColdStart { get; init; }

    public static InstanceView Of(AlgorithmInstance i) => new(
        i.Id, i.Account, i.Template.Algorithm.ToString(), i.Template.Hash, i.Template.Version?.ToString(), i.Worker,
        i.State.ToString().ToLowerInvariant(), i.Reserved, i.LastUsed, i.CreatedAt, i.CallsServed)
    {
        ColdStart = i.ReadyAt - i.CreatedAt,
    };
}
