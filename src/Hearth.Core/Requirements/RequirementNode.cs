namespace Hearth.Core.Requirements;

/// <summary>One part of a requirements expression. Its text is canonical: it parses back to the same expression.</summary>
public abstract class RequirementNode
{
    /// <summary>How tightly it binds, for printing parentheses only where they are needed: or, and, not, then comparisons.</summary>
    internal abstract int Precedence { get; }

    internal abstract bool Test(IHostFacts host);

    public abstract override string ToString();

    internal string Wrapped(int context) => Precedence < context ? $"({this})" : ToString();
}
