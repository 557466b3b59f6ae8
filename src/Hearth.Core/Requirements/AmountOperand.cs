using Hearth.Core.Resources;

namespace Hearth.Core.Requirements;

internal sealed class AmountOperand(ResourceName resource, ResourceMeasure measure) : Operand
{
    public override OperandType Type => OperandType.Number;

    public override double Number(IHostFacts host) => host.Amount(resource, measure);

    public override string ToString() => $"{resource}.{measure.ToString().ToLowerInvariant()}";
}
