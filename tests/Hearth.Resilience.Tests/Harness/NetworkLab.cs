using System.Diagnostics;
using System.Globalization;

namespace Hearth.Resilience.Tests.Harness;

/// <summary>
/// Separate network stacks on this machine, as separate hosts would have: a supervisor namespace holding a
/// bridge on a private /24 in 10.77.0.0/16, one namespace per worker joined to the bridge by a veth pair, and a
/// veth from the test's own namespace so it can reach the supervisor too. Loopback stays down everywhere, so
/// anything that quietly assumes 127.0.0.1 fails. Needs root; where namespaces are not allowed the test is
/// skipped with the reason.
/// </summary>
internal sealed class NetworkLab : IAsyncDisposable
{
    private readonly string _suffix = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())[..4];
    private readonly List<string> _namespaces = [];
    private readonly int _subnet = Random.Shared.Next(1, 255);

    private NetworkLab()
    {
    }

    public string SupervisorNamespace => $"hearth-s-{_suffix}";

    /// <summary>The supervisor's address on the bridge.</summary>
    public string SupervisorAddress => Address(1);

    /// <summary>The test's own address on the bridge.</summary>
    public string TestAddress => Address(254);

    public static IReadOnlyList<string> Wrapper(string space) => ["ip", "netns", "exec", space];

    public string WorkerNamespace(int index) => $"hearth-w{index}-{_suffix}";

    public string WorkerAddress(int index) => Address(10 + index);

    private string Address(int host) => $"10.77.{_subnet.ToString(CultureInfo.InvariantCulture)}.{host.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Builds the lab for <paramref name="workers"/> workers, or skips the test saying why it cannot.</summary>
    public static async Task<NetworkLab> CreateAsync(int workers)
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Assert.Skip("network namespaces need root (CAP_NET_ADMIN); the separate-process tests cover the rest");
        }

        var lab = new NetworkLab();
        var (ok, error) = await TryAsync(["ip", "netns", "add", lab.SupervisorNamespace]);
        if (!ok)
        {
            Assert.Skip($"network namespaces are not permitted here ({error.Trim()}); the separate-process tests cover the rest");
        }

        lab._namespaces.Add(lab.SupervisorNamespace);
        try
        {
            var s = lab.SupervisorNamespace;
            await RunAsync("ip", "-n", s, "link", "add", "br0", "type", "bridge");
            await RunAsync("ip", "-n", s, "addr", "add", $"{lab.SupervisorAddress}/24", "dev", "br0");
            await RunAsync("ip", "-n", s, "link", "set", "br0", "up");
            for (var i = 1; i <= workers; i++)
            {
                var space = lab.WorkerNamespace(i);
                await RunAsync("ip", "netns", "add", space);
                lab._namespaces.Add(space);
                await lab.JoinAsync($"v{lab._suffix}{i}", space, lab.WorkerAddress(i));
            }

            await lab.JoinAsync($"v{lab._suffix}r", null, lab.TestAddress);
            return lab;
        }
        catch
        {
            await lab.DisposeAsync();
            throw;
        }
    }

    /// <summary>A veth pair: one end on the bridge, the other in <paramref name="space"/> (null: the test's namespace) with <paramref name="address"/>.</summary>
    private async Task JoinAsync(string name, string? space, string address)
    {
        var s = SupervisorNamespace;
        await RunAsync("ip", "link", "add", $"{name}a", "type", "veth", "peer", "name", $"{name}b");
        await RunAsync("ip", "link", "set", $"{name}b", "netns", s);
        await RunAsync("ip", "-n", s, "link", "set", $"{name}b", "master", "br0");
        await RunAsync("ip", "-n", s, "link", "set", $"{name}b", "up");
        string[] inSpace = space is null ? [] : ["-n", space];
        if (space is not null)
        {
            await RunAsync("ip", "link", "set", $"{name}a", "netns", space);
        }

        await RunAsync(["ip", .. inSpace, "addr", "add", $"{address}/24", "dev", $"{name}a"]);
        await RunAsync(["ip", .. inSpace, "link", "set", $"{name}a", "up"]);
    }

    private static Task RunAsync(params string[] command) => RunCheckedAsync(command);

    private static async Task RunCheckedAsync(string[] command)
    {
        var (ok, error) = await TryAsync(command);
        if (!ok)
        {
            throw new InvalidOperationException($"{string.Join(' ', command)} failed: {error.Trim()}");
        }
    }

    private static async Task<(bool Ok, string Error)> TryAsync(string[] command)
    {
        var start = new ProcessStartInfo(command[0]) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in command.Skip(1))
        {
            start.ArgumentList.Add(arg);
        }

        try
        {
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEndAsync();
            await process.StandardOutput.ReadToEndAsync();
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await process.WaitForExitAsync(bound.Token);
            return (process.ExitCode == 0, await error);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (false, $"{command[0]}: {e.Message}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Deleting a namespace destroys the veth ends inside it, and with them their peers.
        foreach (var space in Enumerable.Reverse(_namespaces))
        {
            await TryAsync(["ip", "netns", "del", space]);
        }

        await TryAsync(["ip", "link", "del", $"v{_suffix}ra"]);
    }
}
