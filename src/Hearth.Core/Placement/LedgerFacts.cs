using Hearth.Core.Requirements;
using Hearth.Core.Resources;

namespace Hearth.Core.Placement;

/// <summary>One host of a ledger as requirements see it; <see cref="Host"/> moves so that one reader serves every host.</summary>
internal sealed class LedgerFacts(Ledger ledger) : IHostFacts
{
    public int Host { get; set; }

    public string Text(HostProperty which)
    {
        var p = ledger.Properties(Host);
        return which switch
        {
            HostProperty.Name => p.Name,
            HostProperty.Os => p.Os,
            HostProperty.Arch => p.Arch,
            HostProperty.CpuModel => p.CpuModel,
            _ => p.Cluster,
        };
    }

    public bool InGroup(string group) => ledger.Properties(Host).InGroup(group);

    public int Amount(ResourceName resource, ResourceMeasure measure)
    {
        var number = ResourceIndex.Of(resource);
        var counts = resource.IsHost ? ledger.CountsOf(Host) : ledger.GlobalCounts;
        return measure switch
        {
            ResourceMeasure.Free => resource.IsPerHostGlobal ? ledger.GlobalHostFree(Host, number) : counts.Free(number),
            ResourceMeasure.Total => counts.Total(number),
            _ => counts.Used(number),
        };
    }
}
