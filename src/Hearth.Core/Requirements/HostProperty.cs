namespace Hearth.Core.Requirements;

/// <summary>A text property of a host that requirements can name.</summary>
public enum HostProperty
{
    Name,
    Os,
    Arch,
    CpuModel,
    Cluster,
}
