using System.Globalization;

namespace Hearth.Core.Resources;

/// <summary>
/// A parsed reservation string: <c>type.name=quantity[,type.name=quantity...]</c>.
/// Quantities are <c>N</c>, <c>N+</c>, <c>N*</c>, <c>all</c> or <c>N-M</c>; the elastic forms apply to host resources only.
/// </summary>
public sealed class ReservationSpec : IEquatable<ReservationSpec>
{
    /// <summary>What a job with no reservation string reserves.</summary>
    public static readonly ReservationSpec Default = new([ReservationItem.Exactly(ResourceName.Processors, 1)]);

    private ReservationSpec(IReadOnlyList<ReservationItem> items)
    {
        Items = items;
        Text = string.Join(',', items);
    }

    public IReadOnlyList<ReservationItem> Items { get; }

    /// <summary>The canonical text, e.g. <c>host.processors=2+,global.maya=1</c>.</summary>
    public string Text { get; }

    public static ReservationSpec Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new ReservationSyntaxException("reservation is empty: expected type.name=quantity, e.g. host.processors=1");
        }

        var raw = text.Split(',');
        var items = new List<ReservationItem>(raw.Length);
        var seen = new Dictionary<ResourceName, int>();
        for (var i = 0; i < raw.Length; i++)
        {
            var item = ParseItem(raw[i].Trim(), i + 1);
            if (seen.TryGetValue(item.Resource, out var first))
            {
                throw new ReservationSyntaxException(
                    $"item {i + 1} \"{raw[i].Trim()}\": resource {item.Resource} is named twice (first in item {first})");
            }

            seen.Add(item.Resource, i + 1);
            items.Add(item);
        }

        return new ReservationSpec(items);
    }

    public static bool TryParse(string text, out ReservationSpec? spec, out string? error)
    {
        try
        {
            spec = Parse(text);
            error = null;
            return true;
        }
        catch (ReservationSyntaxException e)
        {
            spec = null;
            error = e.Message;
            return false;
        }
    }

    /// <summary>Parses, treating a missing or blank string as <see cref="Default"/>.</summary>
    public static ReservationSpec ParseOrDefault(string? text) =>
        string.IsNullOrWhiteSpace(text) ? Default : Parse(text);

    /// <summary>
    /// The items the ledger reserves: every piece of work occupies at least one job slot,
    /// so a spec that does not name <c>host.processors</c> also takes exactly one.
    /// </summary>
    public IReadOnlyList<ReservationItem> EffectiveItems()
    {
        foreach (var item in Items)
        {
            if (item.Resource == ResourceName.Processors)
            {
                return Items;
            }
        }

        return [ReservationItem.Exactly(ResourceName.Processors, 1), .. Items];
    }

    /// <summary>Refuses elastic items, for places that take plain counts only (algorithm manifests).</summary>
    public void RequireExactOnly()
    {
        foreach (var item in Items)
        {
            if (item.IsElastic)
            {
                throw new ReservationSyntaxException($"item \"{item}\": only plain counts (N) are allowed here");
            }
        }
    }

    private static ReservationItem ParseItem(string item, int position)
    {
        string Fail(string why) => $"item {position} \"{item}\": {why}";

        if (item.Length == 0)
        {
            throw new ReservationSyntaxException($"item {position} is empty");
        }

        var eq = item.IndexOf('=', StringComparison.Ordinal);
        if (eq < 0)
        {
            throw new ReservationSyntaxException(Fail("missing '=' between the resource and its quantity"));
        }

        if (!ResourceName.TryParse(item[..eq].Trim(), out var resource, out var nameError))
        {
            throw new ReservationSyntaxException(Fail(nameError!));
        }

        var quantity = item[(eq + 1)..].Trim();
        var parsed = ParseQuantity(quantity, resource);
        if (parsed.Error is { } why)
        {
            throw new ReservationSyntaxException(Fail(why));
        }

        if (parsed.Mode != ReservationMode.Exact && !resource.IsHost)
        {
            throw new ReservationSyntaxException(
                Fail($"{resource.TypeText} resources take a plain count N; \"{quantity}\" is an elastic form for host resources only"));
        }

        return new ReservationItem(resource, parsed.Mode, parsed.Min, parsed.Max);
    }

    private sealed record Quantity(ReservationMode Mode, int Min, int? Max, string? Error);

    private static Quantity ParseQuantity(string q, ResourceName resource)
    {
        static Quantity Bad(string why) => new(ReservationMode.Exact, 0, null, why);

        if (q.Length == 0)
        {
            return Bad($"no quantity after '=' for {resource}");
        }

        if (q == "all")
        {
            return new Quantity(ReservationMode.Idle, 1, null, null);
        }

        if (q[0] == '-')
        {
            return Bad($"quantity \"{q}\" is negative; counts are positive integers");
        }

        var last = q[^1];
        if (last is '+' or '*')
        {
            var n = ParseCount(q[..^1], q);
            return n.Error is not null ? n : new Quantity(last == '+' ? ReservationMode.Greedy : ReservationMode.Idle, n.Min, null, null);
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
                : new Quantity(ReservationMode.Range, lo.Min, hi.Min, null);
        }

        var exact = ParseCount(q, q);
        return exact.Error is not null ? exact : new Quantity(ReservationMode.Exact, exact.Min, exact.Min, null);
    }

    private static Quantity ParseCount(string digits, string whole)
    {
        static Quantity Bad(string why) => new(ReservationMode.Exact, 0, null, why);

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

        return n == 0 ? Bad($"quantity \"{whole}\" is zero; counts are positive integers") : new Quantity(ReservationMode.Exact, n, n, null);
    }

    public bool Equals(ReservationSpec? other) => other is not null && Text == other.Text;

    public override bool Equals(object? obj) => Equals(obj as ReservationSpec);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Text);

    public override string ToString() => Text;
}
