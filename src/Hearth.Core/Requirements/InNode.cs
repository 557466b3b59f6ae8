namespace Hearth.Core.Requirements;

/// <summary><c>"gpu" in host.groups</c>: the only list is the host's groups.</summary>
internal sealed class InNode(Operand item) : RequirementNode
{
    internal override int Precedence => 4;

    internal override bool Test(IHostFacts host) => host.InGroup(item.Text(host));

    public override string ToString() => $"{item} in host.groups";
}
