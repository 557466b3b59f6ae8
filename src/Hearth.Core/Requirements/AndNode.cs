namespace Hearth.Core.Requirements;

internal sealed class AndNode(RequirementNode left, RequirementNode right) : RequirementNode
{
    public RequirementNode Left => left;

    public RequirementNode Right => right;

    internal override int Precedence => 2;

    internal override bool Test(IHostFacts host) => left.Test(host) && right.Test(host);

    public override string ToString() => $"{left.Wrapped(2)} and {right.Wrapped(3)}";
}
