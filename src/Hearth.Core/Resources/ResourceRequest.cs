using System.Globalization;

namespace Hearth.Core.Resources;

/// <summary>
/// A parsed resource request (Qube!'s "reservation" string): <c>type.name=quantity[,type.name=quantity...]</c>.
/// Quantities are <c>N</c>, <c>N+</c>, <c>N*</c>, <c>all</c> or <c>N-M</c>; the elastic forms apply to host resources only.
/// </summary>
public sealed class ResourceRequest : IEquatable<ResourceRequest>
{
    /// <summary>What a job with no resource request asks for.</summary>
    public static readonly ResourceRequest Default = new([ResourceRequestItem.Exactly(ResourceName.Processors, 1)]);

    /// <summary>Characters in a reservation string: far more than any real request, and little enough to keep and list.</summary>
    public const int MaxLength = 4096;

    /// <summary>Items in a reservation string; each names a different resource, and no worker has this many.</summary>
    public const int MaxItems = 100;

    private ResourceRequest(IReadOnlyList<ResourceRequestItem> items)
    {
        Items = items;
        Text = string.Join(',', items);
    }

    public IReadOnlyList<ResourceRequestItem> Items { get; }

    /// <summary>The canonical text, e.g. <c>host.processors=2+,global.maya=1</c>.</summary>
    public string Text { get; }

    public static ResourceRequest Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new ResourceRequestSyntaxException("reservation is empty: expected type.name=quantity, e.g. host.processors=1");
        }

        if (text.Length > MaxLength)
        {
            throw new ResourceRequestSyntaxException(string.Create(
                CultureInfo.InvariantCulture, $"reservation is {text.Length} characters long; the limit is {MaxLength}"));
        }

        var raw = text.Split(',');
        if (raw.Length > MaxItems)
        {
            throw new ResourceRequestSyntaxException(string.Create(
                CultureInfo.InvariantCulture, $"reservation has {raw.Length} items; the limit is {MaxItems}"));
        }

        var items = new List<ResourceRequestItem>(raw.Length);
        var seen = new Dictionary<ResourceName, int>();
        for (var i = 0; i < raw.Length; i++)
        {
            var item = ParseItem(raw[i].Trim(), i + 1);
            if (seen.TryGetValue(item.Resource, out var first))
            {
                throw new ResourceRequestSyntaxException(
                    $"item {i + 1} \"{raw[i].Trim()}\": resource {item.Resource} is named twice (first in item {first})");
            }

            seen.Add(item.Resource, i + 1);
            items.Add(item);
        }

        return new ResourceRequest(items);
    }

    public static bool TryParse(string text, out ResourceRequest? spec, out string? error)
    {
        try
        {
            spec = Parse(text);
            error = null;
            return true;
        }
        catch (ResourceRequestSyntaxException e)
        {
            spec = null;
            error = e.Message;
            return false;
        }
    }

    /// <summary>Parses, treating a missing or blank string as <see cref="Default"/>.</summary>
    public static ResourceRequest ParseOrDefault(string? text) =>
        string.IsNullOrWhiteSpace(text) ? Default : Parse(text);

    /// <summary>
    /// The items the ledger reserves: every piece of work occupies at least one job slot,
    /// so a spec that does not name <c>host.processors</c> also takes exactly one.
    /// </summary>
    public IReadOnlyList<ResourceRequestItem> EffectiveItems()
    {
        foreach (var item in Items)
        {
            if (item.Resource == ResourceName.Processors)
            {
                return Items;
            }
        }

        return [ResourceRequestItem.Exactly(ResourceName.Processors, 1), .. Items];
    }

    /// <summary>Refuses elastic items, for places that take plain counts only (algorithm manifests).</summary>
    public void RequireExactOnly()
    {
        foreach (var item in Items)
        {
            if (item.IsElastic)
            {
                throw new ResourceRequestSyntaxException($"item \"{item}\": only plain counts (N) are allowed here");
            }
        }
    }

    private static ResourceRequestItem ParseItem(string item, int position)
    {
        string Fail(string why) => $"item {position} \"{item}\": {why}";

        if (item.Length == 0)
        {
            throw new ResourceRequestSyntaxException($"item {position} is empty");
        }

        var eq = item.IndexOf('=', StringComparison.Ordinal);
        if (eq < 0)
        {
            throw new ResourceRequestSyntaxException(Fail("missing '=' between the resource and its quantity"));
        }

        if (!ResourceName.TryParse(item[..eq].Trim(), out var resource, out var nameError))
        {
            throw new ResourceRequestSyntaxException(Fail(nameError!));
        }

        var quantity = item[(eq + 1)..].Trim();
        var parsed = ParseQuantity(quantity, resource);
        if (parsed.Error is { } why)
        {
            throw new ResourceRequestSyntaxException(Fail(why));
        }

        if (parsed.Mode != GrantMode.Exact && !resource.IsHost)
        {
            throw new ResourceRequestSyntaxException(
                Fail($"{resource.TypeText} resources take a plain count N; \"{quantity}\" is an elastic form for host resources only"));
        }

        return new ResourceRequestItem(resource, parsed.Mode, parsed.Min, parsed.Max);
    }

    private sealed record Quantity(GrantMode Mode, int Min, int? Max, string? Error);

    private static Quantity ParseQuantity(string q, ResourceName resource)
    {
        static Quantity Bad(string why) => new(GrantMode.Exact, 0, null, why);

        if (q.Length == 0)
        {
            return Bad($"no quantity after '=' for {resource}");
        }

        if (q == "all")
        {
            return new Quantity(GrantMode.Idle, 1, null, null);
        }

        if (q[0] == '-')
        {
            return Bad($"quantity \"{q}\" is negative; counts are positive integers");
        }

        var last = q[^1];
        if (last is '+' or '*')
        {
            var n = ParseCount(q[..^1], q);
            return n.Error is not null ? n : new Quantity(last == '+' ? GrantMode.Greedy : GrantMode.Idle, n.Min, null, null);
        }

        var dash = q.IndexOf('-', StringComparison.Ordinal);
        if (dash > 0)
        {
            var lo = ParseCount(q[..dash], q);
            if (lo.Error is not null)
            {
                return lo;
            }

            var hi = ParseCount(q[(dash + 1)..], q);
            if (hi.Error is not null)
            {
                return hi;
            }

            return hi.Min < lo.Min
                ? Bad($"range {q}: the maximum {hi.Min} is less than the minimum {lo.Min}")
                : new Quantity(GrantMode.Range, lo.Min, hi.Min, null);
        }

        var exact = ParseCount(q, q);
        return exact.Error is not null ? exact : new Quantity(GrantMode.Exact, exact.Min, exact.Min, null);
    }

    private static Quantity ParseCount(string digits, string whole)
    {
        static Quantity Bad(string why) => new(GrantMode.Exact, 0, null, why);

        var trimmed = digits.Trim();
        if (trimmed.Length == 0)
        {
            return Bad($"quantity \"{whole}\" is missing a number");
        }

        if (trimmed[0] == '-')
        {
            return Bad($"quantity \"{whole}\" is negative; counts are positive integers");
        }

        foreach (var c in trimmed)
        {
            if (!char.IsAsciiDigit(c))
            {
                return Bad($"quantity \"{whole}\" is not an integer");
            }
        }

        if (!int.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            return Bad($"quantity \"{whole}\" is too large (at most {int.MaxValue})");
        }

        return n == 0 ? Bad($"quantity \"{whole}\" is zero; counts are positive integers") : new Quantity(GrantMode.Exact, n, n, null);
    }

    public bool Equals(ResourceRequest? other) => other is not null && Text == other.Text;

    public override bool Equals(object? obj) => Equals(obj as ResourceRequest);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Text);

    public override string ToString() => Text;
}
