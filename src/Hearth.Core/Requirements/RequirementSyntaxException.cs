namespace Hearth.Core.Requirements;

/// <summary>A requirements expression that cannot be read; <see cref="Column"/> is 1-based, and the message starts with it.</summary>
public sealed class RequirementSyntaxException(int column, string message) : FormatException($"column {column}: {message}")
{
    public int Column { get; } = column;
}
