namespace Hearth.Core.Requirements;

internal sealed class TextLiteral(string value) : Operand
{
    public override OperandType Type => OperandType.Text;

    public override string Text(IHostFacts host) => value;

    public override string ToString() => Quote(value);

    internal static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
