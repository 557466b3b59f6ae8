using System.Globalization;

namespace Hearth.Core.Requirements;

internal sealed class NumberLiteral(double value) : Operand
{
    public override OperandType Type => OperandType.Number;

    public override double Number(IHostFacts host) => value;

    public override string ToString() => value.ToString("R", CultureInfo.InvariantCulture);
}
