using Hearth.Core.Resources;

namespace Hearth.Core.Placement;

/// <summary>Total and used counts of one resource; <paramref name="Outside"/> is a license's use outside the farm.</summary>
public readonly record struct ResourceUsage(ResourceName Resource, int Total, int Used, int Outside = 0)
{
    /// <summary>What more the farm may take: never negative, even below a lowered total or past outside use.</summary>
    public int Free => Math.Max(0, Total - Used - Outside);
}
