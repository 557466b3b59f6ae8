using System.Diagnostics;
using System.Globalization;
using Hearth.Worker.Spawning;

namespace Hearth.Algorithms.Tests.Worker;

/// <summary>
/// A sandbox (bubblewrap --die-with-parent) is killed when the thread that forked it ends. These tests stand in for
/// bubblewrap with <c>setpriv --pdeathsig KILL</c>, which sets the same parent-death signal, and end the forking
/// thread the way the thread pool retires an idle one.
/// </summary>
public sealed class SpawnThreadTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task AProcessSpawnedThroughTheSpawnThreadOutlivesTheThreadThatAskedForIt()
    {
        Process? direct = null;
        Process? spawned = null;
        try
        {
            // One short-lived thread starts both: the one it forks itself shows when its end has signalled its children.
            var thread = new Thread(() =>
            {
                direct = Process.Start(DeathSignalled("sleep", "60"))!;
                spawned = SpawnThread.Run(() => Process.Start(DeathSignalled("cat"))!);
                WaitUntilRunning(direct, "sleep");
                WaitUntilRunning(spawned, "cat");
            });
            thread.Start();
            Assert.True(thread.Join(Bound), "the spawning thread did not finish");

            using (var ended = new CancellationTokenSource(Bound))
            {
                await direct!.WaitForExitAsync(ended.Token);
            }

            Assert.Equal(128 + 9, direct.ExitCode);

            // The thread's end signalled every child it forked at once; this one answers, so it was not among them.
            await spawned!.StandardInput.WriteLineAsync("still here");
            await spawned.StandardInput.FlushAsync(TestContext.Current.CancellationToken);
            var echoed = await spawned.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(Bound, TestContext.Current.CancellationToken);
            Assert.Equal("still here", echoed);
        }
        finally
        {
            foreach (var process in new[] { direct, spawned })
            {
                if (process is not null)
                {
                    process.Kill();
                    process.Dispose();
                }
            }
        }
    }

    [Fact]
    public void RunReturnsTheResultAndRethrowsTheExceptionOfTheSpawn()
    {
        Assert.Equal(SpawnThread.ManagedThreadId, SpawnThread.Run(() => Environment.CurrentManagedThreadId));
        var e = Assert.Throws<System.ComponentModel.Win32Exception>(() => SpawnThread.Run(() => Process.Start("/nonexistent/hearth-program")));
        Assert.NotNull(e.Message);
    }

    private static ProcessStartInfo DeathSignalled(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo("setpriv") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in (string[])["--pdeathsig", "KILL", "--", program, .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }

    /// <summary>Until the process runs <paramref name="program"/>: setpriv has set the parent-death signal by then.</summary>
    private static void WaitUntilRunning(Process process, string program)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(Bound.TotalSeconds * Stopwatch.Frequency);
        while (ReadComm(process.Id) != program)
        {
            Assert.True(Stopwatch.GetTimestamp() < deadline, string.Create(CultureInfo.InvariantCulture, $"process {process.Id} never ran {program}"));
            Thread.Sleep(10);
        }
    }

    private static string ReadComm(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim();
        }
        catch (IOException)
        {
            return "";
        }
    }
}
