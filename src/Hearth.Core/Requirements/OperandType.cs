namespace Hearth.Core.Requirements;

/// <summary>What an operand of a requirement holds; checked when the expression is parsed, so evaluation never fails.</summary>
internal enum OperandType
{
    Text,
    Number,
    List,
}
