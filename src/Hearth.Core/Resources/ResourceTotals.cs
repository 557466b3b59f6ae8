using System.Globalization;

namespace Hearth.Core.Resources;

/// <summary>
/// What a host offers or the cluster holds: <c>host.processors=8,host.memory=16000</c> or <c>global.maya=10</c>.
/// Plain non-negative counts only: host resources for a host, or the cluster-wide kinds (<c>global</c>,
/// <c>license</c>, <c>global_host</c>) for the cluster, asked for as <see cref="ResourceScope.Global"/>.
/// </summary>
public static class ResourceTotals
{
    public static IReadOnlyDictionary<ResourceName, int> Parse(string? text, ResourceScope scope)
    {
        var totals = new SortedDictionary<ResourceName, int>(ResourceName.Order);
        if (string.IsNullOrWhiteSpace(text))
        {
            return totals;
        }

        var raw = text.Split(',');
        for (var i = 0; i < raw.Length; i++)
        {
            var item = raw[i].Trim();
            string Fail(string why) => $"item {i + 1} \"{item}\": {why}";
            if (item.Length == 0)
            {
                throw new ResourceRequestSyntaxException($"item {i + 1} is empty");
            }

            var eq = item.IndexOf('=', StringComparison.Ordinal);
            if (eq < 0)
            {
                throw new ResourceRequestSyntaxException(Fail("missing '=' between the resource and its count"));
            }

            if (!ResourceName.TryParse(item[..eq].Trim(), out var resource, out var error))
            {
                throw new ResourceRequestSyntaxException(Fail(error!));
            }

            if (resource.IsHost != (scope == ResourceScope.Host))
            {
                var expected = scope == ResourceScope.Host ? "host.*" : "global.*, license.* or global_host.*";
                throw new ResourceRequestSyntaxException(Fail($"only {expected} resources can be defined here"));
            }

            var count = item[(eq + 1)..].Trim();
            if (count.Length == 0 || !count.All(char.IsAsciiDigit))
            {
                throw new ResourceRequestSyntaxException(Fail($"count \"{count}\" is not a non-negative integer"));
            }

            if (!int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                throw new ResourceRequestSyntaxException(Fail($"count \"{count}\" is too large"));
            }

            if (!totals.TryAdd(resource, n))
            {
                throw new ResourceRequestSyntaxException(Fail($"resource {resource} is named twice"));
            }
        }

        return totals;
    }

    public static string Format(IEnumerable<KeyValuePair<ResourceName, int>> totals) =>
        string.Join(',', totals.Select(kv => $"{kv.Key}={kv.Value.ToString(CultureInfo.InvariantCulture)}"));
}
