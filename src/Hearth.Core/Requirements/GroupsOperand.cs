namespace Hearth.Core.Requirements;

internal sealed class GroupsOperand : Operand
{
    public override OperandType Type => OperandType.List;

    public override string ToString() => "host.groups";
}
