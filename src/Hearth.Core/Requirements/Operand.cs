namespace Hearth.Core.Requirements;

internal abstract class Operand
{
    public abstract OperandType Type { get; }

    public virtual string Text(IHostFacts host) => "";

    public virtual double Number(IHostFacts host) => 0;
}
