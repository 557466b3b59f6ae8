using System.Globalization;
using Hearth.Core.Resources;

namespace Hearth.Core.Requirements;

/// <summary>What an operand of a requirement holds; checked when the expression is parsed, so evaluation never fails.</summary>
internal enum OperandType
{
    Text,
    Number,
    List,
}

/// <summary>One part of a requirements expression. Its text is canonical: it parses back to the same expression.</summary>
public abstract class RequirementNode
{
    /// <summary>How tightly it binds, for printing parentheses only where they are needed: or, and, not, then comparisons.</summary>
    internal abstract int Precedence { get; }

    internal abstract bool Test(IHostFacts host);

    public abstract override string ToString();

    internal string Wrapped(int context) => Precedence < context ? $"({this})" : ToString();
}

internal sealed class OrNode(RequirementNode left, RequirementNode right) : RequirementNode
{
    internal override int Precedence => 1;

    internal override bool Test(IHostFacts host) => left.Test(host) || right.Test(host);

    public override string ToString() => $"{left.Wrapped(1)} or {right.Wrapped(2)}";
}

internal sealed class AndNode(RequirementNode left, RequirementNode right) : RequirementNode
{
    public RequirementNode Left => left;

    public RequirementNode Right => right;

    internal override int Precedence => 2;

    internal override bool Test(IHostFacts host) => left.Test(host) && right.Test(host);

    public override string ToString() => $"{left.Wrapped(2)} and {right.Wrapped(3)}";
}

internal sealed class NotNode(RequirementNode operand) : RequirementNode
{
    internal override int Precedence => 3;

    internal override bool Test(IHostFacts host) => !operand.Test(host);

    public override string ToString() => $"not {operand.Wrapped(3)}";
}

internal enum Comparison
{
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
}

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

/// <summary><c>"gpu" in host.groups</c>: the only list is the host's groups.</summary>
internal sealed class InNode(Operand item) : RequirementNode
{
    internal override int Precedence => 4;

    internal override bool Test(IHostFacts host) => host.InGroup(item.Text(host));

    public override string ToString() => $"{item} in host.groups";
}

internal abstract class Operand
{
    public abstract OperandType Type { get; }

    public virtual string Text(IHostFacts host) => "";

    public virtual double Number(IHostFacts host) => 0;
}

internal sealed class TextLiteral(string value) : Operand
{
    public override OperandType Type => OperandType.Text;

    public override string Text(IHostFacts host) => value;

    public override string ToString() => Quote(value);

    internal static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}

internal sealed class NumberLiteral(double value) : Operand
{
    public override OperandType Type => OperandType.Number;

    public override double Number(IHostFacts host) => value;

    public override string ToString() => value.ToString("R", CultureInfo.InvariantCulture);
}

internal sealed class PropertyOperand(HostProperty property, string name) : Operand
{
    public override OperandType Type => OperandType.Text;

    public override string Text(IHostFacts host) => host.Text(property);

    public override string ToString() => name;
}

internal sealed class GroupsOperand : Operand
{
    public override OperandType Type => OperandType.List;

    public override string ToString() => "host.groups";
}

internal sealed class AmountOperand(ResourceName resource, ResourceMeasure measure) : Operand
{
    public override OperandType Type => OperandType.Number;

    public override double Number(IHostFacts host) => host.Amount(resource, measure);

    public override string ToString() => $"{resource}.{measure.ToString().ToLowerInvariant()}";
}
