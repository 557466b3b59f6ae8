namespace Hearth.Core.Requirements;

internal sealed class PropertyOperand(HostProperty property, string name) : Operand
{
    public override OperandType Type => OperandType.Text;

    public override string Text(IHostFacts host) => host.Text(property);

    public override string ToString() => name;
}
