namespace Hearth.Protocol.Rest;

/// <summary>How many jobs are in each state.</summary>
public sealed record JobCountsView(IReadOnlyDictionary<string, int> States);
