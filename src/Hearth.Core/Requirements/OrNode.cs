namespace Hearth.Core.Requirements;

internal sealed class OrNode(RequirementNode left, RequirementNode right) : RequirementNode
{
    internal override int Precedence => 1;

    internal override bool Test(IHostFacts host) => left.Test(host) || right.Test(host);

    public override string ToString() => $"{left.Wrapped(1)} or {right.Wrapped(2)}";
}
