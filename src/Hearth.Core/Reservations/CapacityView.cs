using Hearth.Core.Placement;
using Hearth.Core.Resources;

namespace Hearth.Core.Reservations;

/// <summary>The cluster's resources after the last placement cycle, for explaining why an instance cannot be placed.</summary>
public sealed record CapacityView(IReadOnlyList<HostCapacity> Hosts, IReadOnlyDictionary<ResourceName, int> GlobalFree)
{
    public static readonly CapacityView None = new([], new Dictionary<ResourceName, int>());

    public static CapacityView Of(Ledger ledger)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        var hosts = new List<HostCapacity>(ledger.HostCount);
        for (var i = 0; i < ledger.HostCount; i++)
        {
            var usage = ledger.HostUsage(i);
            hosts.Add(new HostCapacity(ledger.HostName(i), ledger.IsOpen(i),
                usage.ToDictionary(u => u.Resource, u => u.Total), usage.ToDictionary(u => u.Resource, u => u.Free)));
        }

        return new CapacityView(hosts, ledger.GlobalUsage().ToDictionary(u => u.Resource, u => u.Free));
    }
}
