namespace Hearth.Core.Requirements;

internal sealed class NotNode(RequirementNode operand) : RequirementNode
{
    internal override int Precedence => 3;

    internal override bool Test(IHostFacts host) => !operand.Test(host);

    public override string ToString() => $"not {operand.Wrapped(3)}";
}
