using System.Globalization;
using Hearth.Core.Resources;

namespace Hearth.Worker;

/// <summary>What a worker offers: discovered cores and memory, overridden or extended by its <c>--resources</c>.</summary>
public static class HostResources
{
    public static IReadOnlyDictionary<ResourceName, int> Discover(string? overrides)
    {
        var totals = new SortedDictionary<ResourceName, int>(ResourceName.Order)
        {
            [ResourceName.Processors] = Environment.ProcessorCount,
            [ResourceName.Memory] = MemoryMegabytes(),
        };
        foreach (var (resource, amount) in ResourceTotals.Parse(overrides, ResourceScope.Host))
        {
            totals[resource] = amount;
        }

        return totals;
    }

    private static int MemoryMegabytes()
    {
        const string MemInfo = "/proc/meminfo";
        try
        {
            if (File.Exists(MemInfo))
            {
                foreach (var line in File.ReadLines(MemInfo))
                {
                    if (line.StartsWith("MemTotal:", StringComparison.Ordinal))
                    {
                        var kb = long.Parse(line["MemTotal:".Length..].Replace("kB", "", StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture);
                        return (int)Math.Min(int.MaxValue, kb / 1024);
                    }
                }
            }
        }
        catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException)
        {
            // Fall back to what the runtime sees.
        }

        return (int)Math.Min(int.MaxValue, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024 * 1024));
    }
}
