namespace Hearth.Protocol.Rest;

/// <summary>
/// An account's sharing settings and what it holds now: <c>max_slots</c> and <c>max_instances</c> (-1 for no limit),
/// <c>shares</c>, and the slots and instances held by it (for an organization, by its members).
/// </summary>
public sealed record AccountSettingsView(string Name, string Kind, int MaxSlots, int MaxInstances, int Shares, int HeldSlots, int HeldInstances);
