namespace Hearth.Core.Requirements;

internal sealed class CompareNode(Comparison comparison, Operand left, Operand right) : RequirementNode
{
    internal override int Precedence => 4;

    internal override bool Test(IHostFacts host)
    {
        if (left.Type == OperandType.Text)
        {
            var equal = string.Equals(left.Text(host), right.Text(host), StringComparison.OrdinalIgnoreCase);
            return comparison == Comparison.Equal ? equal : !equal;
        }

        var a = left.Number(host);
        var b = right.Number(host);
        return comparison switch
        {
            Comparison.Equal => a == b,
            Comparison.NotEqual => a != b,
            Comparison.Less => a < b,
            Comparison.LessOrEqual => a <= b,
            Comparison.Greater => a > b,
            _ => a >= b,
        };
    }

    public override string ToString() => $"{left} {Symbol(comparison)} {right}";

    internal static string Symbol(Comparison comparison) => comparison switch
    {
        Comparison.Equal => "==",
        Comparison.NotEqual => "!=",
        Comparison.Less => "<",
        Comparison.LessOrEqual => "<=",
        Comparison.Greater => ">",
        _ => ">=",
    };
}
