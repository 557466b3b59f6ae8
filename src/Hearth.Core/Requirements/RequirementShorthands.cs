namespace Hearth.Core.Requirements;

/// <summary>The submit shorthands <c>--hosts</c>, <c>--omit-hosts</c> and <c>--groups</c>, written as requirements.</summary>
public static class RequirementShorthands
{
    /// <summary>
    /// Joins an expression with the shorthands: on one of <paramref name="hosts"/>, on none of <paramref name="omitHosts"/>,
    /// in one of <paramref name="groups"/>. Null when there is nothing to require.
    /// </summary>
    public static string? Compose(string? expression, IReadOnlyList<string> hosts, IReadOnlyList<string> omitHosts, IReadOnlyList<string> groups)
    {
        var parts = new List<string>();
        if (!string.IsNullOrWhiteSpace(expression))
        {
            parts.Add($"({expression})");
        }

        if (hosts.Count > 0)
        {
            parts.Add("(" + string.Join(" or ", hosts.Select(h => $"host.name == {TextLiteral.Quote(h)}")) + ")");
        }

        parts.AddRange(omitHosts.Select(h => $"host.name != {TextLiteral.Quote(h)}"));
        if (groups.Count > 0)
        {
            parts.Add("(" + string.Join(" or ", groups.Select(g => $"{TextLiteral.Quote(g)} in host.groups")) + ")");
        }

        return parts.Count == 0 ? null : string.Join(" and ", parts);
    }
}
