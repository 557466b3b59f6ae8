using System.Diagnostics;
using System.Globalization;
using Hearth.Worker.Sandboxing;

namespace Hearth.Algorithms.Tests.Worker;

/// <summary>On this machine's real cgroups: what a crashed worker left in its cgroups is gone once its successor starts.</summary>
public sealed class CgroupLeftoverTests : IDisposable
{
    private readonly string _run = Paths.Scratch();

    public void Dispose() => Directory.Delete(_run, recursive: true);

    [Fact]
    public async Task ARestartedWorkerKillsAndRemovesTheCgroupsItsCrashedPredecessorLeft()
    {
        var record = Path.Combine(_run, "cgroups");
        var crashed = CgroupRoot.Open("leftover-test", record, out var why);
        Assert.True(crashed is not null, why);
        var group = crashed.Create("i-1", new CgroupLimits(64, 1, 16));
        using var orphan = Process.Start("sleep", "600");
        foreach (var procs in group.ProcsFiles)
        {
            File.WriteAllText(procs, orphan.Id.ToString(CultureInfo.InvariantCulture));
        }

        var left = crashed.Directories;
        Assert.All(left, d => Assert.True(Directory.Exists(Path.Combine(d, "i-1")), d));

        // The crashed worker never disposed anything; its successor of the same run directory starts.
        var successor = CgroupRoot.Open("leftover-test", record, out why);
        Assert.True(successor is not null, why);
        try
        {
            using var ended = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await orphan.WaitForExitAsync(ended.Token);
            Assert.All(left, d => Assert.False(Directory.Exists(d), d));
            Assert.Equal(successor.Directories, File.ReadAllLines(record));
        }
        finally
        {
            successor.Dispose();
        }
    }
}
