namespace Hearth.Core.Requirements;

/// <summary>One host as requirements see it. Placement reads the ledger; a pending reason reads the cluster view.</summary>
public interface IHostFacts
{
    string Text(HostProperty which);

    bool InGroup(string group);

    int Amount(Resources.ResourceName resource, ResourceMeasure measure);
}
