using Hearth.Core.Resources;

namespace Hearth.Core.Reservations;

/// <summary>One worker's resources: what it has in all and what is free now.</summary>
public sealed record HostCapacity(string Name, bool Up, IReadOnlyDictionary<ResourceName, int> Total, IReadOnlyDictionary<ResourceName, int> Free);
