namespace Hearth.Supervisor.Storage;

/// <summary>An account's limits (-1 for none) and shares, as the scheduler keeps them.</summary>
public sealed record AccountLimitRecord(string Name, int MaxSlots, int MaxInstances, int Shares);
