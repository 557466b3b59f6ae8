namespace Hearth.Core.Requirements;

/// <summary>
/// What requirements can ask of a host besides its resources: discovered (<c>host.name</c>, <c>host.os</c>,
/// <c>host.arch</c>, <c>host.cpu_model</c>) and set by the admin in the worker's config (<c>host.groups</c>,
/// <c>host.cluster</c>). Empty text means the worker did not say.
/// </summary>
public sealed record HostProperties(string Name, string Os, string Arch, string CpuModel, IReadOnlyList<string> Groups, string Cluster)
{
    public static HostProperties Unknown(string name) => new(name, "", "", "", [], "");

    public bool InGroup(string group)
    {
        foreach (var g in Groups)
        {
            if (string.Equals(g, group, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>A text property of a host that requirements can name.</summary>
public enum HostProperty
{
    Name,
    Os,
    Arch,
    CpuModel,
    Cluster,
}

/// <summary>Which count of a resource an expression reads.</summary>
public enum ResourceMeasure
{
    Free,
    Total,
    Used,
}

/// <summary>One host as requirements see it. Placement reads the ledger; a pending reason reads the cluster view.</summary>
public interface IHostFacts
{
    string Text(HostProperty which);

    bool InGroup(string group);

    int Amount(Resources.ResourceName resource, ResourceMeasure measure);
}
