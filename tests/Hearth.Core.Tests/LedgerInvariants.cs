using System.Text;
using Hearth.Core.Placement;
using Hearth.Core.Resources;

namespace Hearth.Core.Tests;

/// <summary>Whole-ledger snapshots, and the checks every ledger state must pass.</summary>
internal static class LedgerInvariants
{
    /// <summary>Everything observable about a ledger, capacity indexes included, as one comparable string.</summary>
    public static string Snapshot(this Ledger ledger)
    {
        var text = new StringBuilder();
        for (var host = 0; host < ledger.HostCount; host++)
        {
            text.Append($"{ledger.HostName(host)} up={ledger.IsUp(host)} locked={ledger.IsLocked(host)} running={ledger.RunningOn(host)}:");
            foreach (var usage in ledger.HostUsage(host))
            {
                text.Append($" {usage.Resource}={usage.Used}/{usage.Total}");
            }

            text.AppendLine();
        }

        foreach (var usage in ledger.GlobalUsage())
        {
            text.AppendLine($"{usage.Resource}={usage.Used}/{usage.Total}");
        }

        text.AppendLine($"open: {string.Join(",", ledger.Open.Ascending(0))}");
        text.AppendLine($"idle: {string.Join(",", ledger.Idle.Ascending(0))}");
        return text.ToString();
    }

    /// <summary>Used within 0..total everywhere, and the capacity indexes exactly the up (and idle) hosts by open processors.</summary>
    public static void AssertConsistent(this Ledger ledger)
    {
        for (var host = 0; host < ledger.HostCount; host++)
        {
            foreach (var usage in ledger.HostUsage(host))
            {
                Assert.True(usage.Used >= 0 && usage.Used <= usage.Total, $"{ledger.HostName(host)}: {usage}");
            }
        }

        foreach (var usage in ledger.GlobalUsage())
        {
            Assert.True(usage.Used >= 0 && usage.Used <= usage.Total, usage.ToString());
        }

        var up = Enumerable.Range(0, ledger.HostCount).Where(ledger.IsOpen).ToList();
        int Open(int host) => ledger.Free(host, ResourceName.Processors);
        Assert.Equal(up.OrderBy(Open).ThenBy(h => h), ledger.Open.Ascending(0));
        Assert.Equal(up.OrderByDescending(Open).ThenBy(h => h), ledger.Open.Descending(0));
        var idle = up.Where(h => ledger.RunningOn(h) == 0).ToList();
        Assert.Equal(idle.OrderBy(Open).ThenBy(h => h), ledger.Idle.Ascending(0));
        foreach (var min in new[] { 0, 1, 2, 5, 63, 64, 65, 100, 4095, 4096, 4097, 5000, int.MaxValue })
        {
            Assert.Equal(up.Where(h => Open(h) >= min).OrderBy(Open).ThenBy(h => h), ledger.Open.Ascending(min));
            Assert.Equal(up.Where(h => Open(h) >= min).OrderByDescending(Open).ThenBy(h => h), ledger.Open.Descending(min));
            Assert.Equal(up.Any(h => Open(h) >= min), ledger.Open.AnyAtLeast(min));
        }
    }
}
