namespace Hearth.Core.Requirements;

/// <summary>
/// Where a piece of work may run: an expression over a host's properties and its resources' counts, e.g.
/// <c>host.os == "linux" and "gpu" in host.groups and host.memory.free &gt;= 4000</c>. Placement never puts work on
/// a host the expression rejects.
/// </summary>
public sealed class Requirement
{
    private Requirement(RequirementNode root)
    {
        Root = root;
        Text = root.ToString();
    }

    public RequirementNode Root { get; }

    /// <summary>The canonical text: it parses back to the same expression.</summary>
    public string Text { get; }

    /// <summary>Parses an expression; throws <see cref="RequirementSyntaxException"/> naming the column.</summary>
    public static Requirement Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > MaxLength)
        {
            throw new RequirementSyntaxException(1, string.Create(
                System.Globalization.CultureInfo.InvariantCulture, $"the expression is {text.Length} characters long; the limit is {MaxLength}"));
        }

        if (Hearth.Core.Text.ClientText.IndexOfProblem(text, multiline: true) is var at and >= 0)
        {
            throw new RequirementSyntaxException(at + 1, $"{Hearth.Core.Text.ClientText.Describe(text[at])} is not allowed in an expression");
        }

        return new Requirement(RequirementParser.Parse(text));
    }

    /// <summary>Characters in an expression: far more than any real one, and little enough to keep with every job.</summary>
    public const int MaxLength = 4096;

    /// <summary>Null for a missing or blank expression: the work may run anywhere.</summary>
    public static Requirement? ParseOrNone(string? text) => string.IsNullOrWhiteSpace(text) ? null : Parse(text);

    public static bool TryParse(string? text, out Requirement? requirement, out string? error)
    {
        try
        {
            requirement = ParseOrNone(text);
            error = null;
            return true;
        }
        catch (RequirementSyntaxException e)
        {
            requirement = null;
            error = e.Message;
            return false;
        }
    }

    public bool Matches(IHostFacts host) => Root.Test(host);

    /// <summary>The parts joined by the top-level <c>and</c>s, in order.</summary>
    public IReadOnlyList<RequirementNode> Conjuncts()
    {
        var parts = new List<RequirementNode>();
        Flatten(Root, parts);
        return parts;
    }

    /// <summary>
    /// Why no host among <paramref name="upHosts"/> meets the expression, naming the first part none of them meets;
    /// null when some host meets it all (then it is capacity, not the requirements, that holds work back).
    /// </summary>
    public string? Explain(IReadOnlyCollection<IHostFacts> upHosts)
    {
        if (upHosts.Any(Matches))
        {
            return null;
        }

        if (upHosts.Count == 0)
        {
            return $"no host is up to meet the requirements {Text}";
        }

        foreach (var part in Conjuncts())
        {
            if (!upHosts.Any(part.Test))
            {
                return $"no up host has {part}";
            }
        }

        return $"no up host meets all of the requirements {Text}";
    }

    public override string ToString() => Text;

    private static void Flatten(RequirementNode node, List<RequirementNode> parts)
    {
        if (node is AndNode and)
        {
            Flatten(and.Left, parts);
            Flatten(and.Right, parts);
        }
        else
        {
            parts.Add(node);
        }
    }
}
