using System.Globalization;
using System.Text;
using Hearth.Worker.Spawning;

namespace Hearth.Supervisor.Tests;

/// <summary>Subjob processes started straight into their own session, with real child processes.</summary>
public sealed class SessionProcessTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private static Dictionary<string, string> Environment(params (string Key, string Value)[] extra)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = System.Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin",
        };
        foreach (var (key, value) in extra)
        {
            environment[key] = value;
        }

        return environment;
    }

    private static async Task<(ChildExit Exit, string Stdout, string Stderr)> RunAsync(
        string[] argv, Dictionary<string, string>? environment = null, string? directory = null)
    {
        using var process = SessionProcess.Start(argv, environment ?? Environment(), directory ?? System.Environment.CurrentDirectory);
        var stdout = ReadAllAsync(process.StandardOutput);
        var stderr = ReadAllAsync(process.StandardError);
        var exit = await process.Exited.WaitAsync(Bound, TestContext.Current.CancellationToken);
        return (exit, await stdout.WaitAsync(Bound, TestContext.Current.CancellationToken), await stderr.WaitAsync(Bound, TestContext.Current.CancellationToken));
    }

    private static async Task<string> ReadAllAsync(Stream stream)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return await reader.ReadToEndAsync(TestContext.Current.CancellationToken);
    }

    private static string[] Stat(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
    }

    private static bool Exists(int pid) => Directory.Exists($"/proc/{pid}");

    /// <summary>Live (not zombie) processes in process group <paramref name="groupId"/>.</summary>
    private static int Members(int groupId)
    {
        var count = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid))
            {
                try
                {
                    var fields = Stat(pid);
                    count += fields[0] != "Z" && fields[2] == groupId.ToString(CultureInfo.InvariantCulture) ? 1 : 0;
                }
                catch (IOException)
                {
                    // Gone while we looked.
                }
            }
        }

        return count;
    }

    [Fact]
    public async Task OutputOnBothStreamsAndTheExitCodeAreCaptured()
    {
        var (exit, stdout, stderr) = await RunAsync(["sh", "-c", "echo out; echo err >&2; exit 7"]);

        Assert.Equal(new ChildExit(7, null), exit);
        Assert.Equal("out\n", stdout);
        Assert.Equal("err\n", stderr);
    }

    [Fact]
    public async Task AProcessEndedBySignalReportsOneHundredTwentyEightPlusTheSignal()
    {
        var (exit, _, _) = await RunAsync(["sh", "-c", "kill -TERM $$"]);

        Assert.Equal(new ChildExit(128 + 15, null), exit);
    }

    [Fact]
    public async Task TheChildLeadsItsOwnSessionAndProcessGroup()
    {
        var (exit, stdout, _) = await RunAsync(["sh", "-c", "echo $$; cut -d' ' -f5,6 /proc/$$/stat"]);

        Assert.Equal(0, exit.ExitCode);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var pid = lines[0];
        Assert.Equal($"{pid} {pid}", lines[1]);
    }

    [Fact]
    public async Task TheEnvironmentIsExactlyTheOneGivenAndTheDirectoryIsTheOneGiven()
    {
        var directory = Directory.CreateTempSubdirectory("hearth-spawn-");
        try
        {
            var (exit, stdout, _) = await RunAsync(["sh", "-c", "echo \"$QB_JOBSLOTS|${HOME+HOME is set}\"; pwd"],
                Environment(("QB_JOBSLOTS", "4")), directory.FullName);

            Assert.Equal(0, exit.ExitCode);
            Assert.Equal($"4|\n{directory.FullName}\n", stdout);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task StandardInputIsEmptyAndSignalsAreAtTheirDefaults()
    {
        var (exit, stdout, _) = await RunAsync(["sh", "-c", "wc -c; grep -E '^(SigIgn|SigBlk)' /proc/self/status"]);

        Assert.Equal(0, exit.ExitCode);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("0", lines[0].Trim());
        var masks = lines[1..].ToDictionary(l => l.Split(':')[0], l => ulong.Parse(l.Split(':')[1].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
        Assert.Equal(0UL, masks["SigBlk"]);
        // The runtime ignores SIGPIPE, and a child must not inherit that (`yes | head` would never end). Only the
        // standard signals are checked: glibc's posix_spawn leaves its own two internal real-time signals (32, 33)
        // ignored, and glibc programs install their handlers for those themselves.
        Assert.Equal(0UL, masks["SigIgn"] & 0x7fff_ffffUL);
    }

    [Fact]
    public async Task AMissingProgramIsRefusedWithTheSystemsReason()
    {
        var error = Assert.Throws<SpawnException>(() => SessionProcess.Start(["no-such-program-hearth"], Environment(), System.Environment.CurrentDirectory));
        Assert.Equal("No such file or directory", error.Message);

        var (exit, _, _) = await RunAsync(["true"]);
        Assert.Equal(0, exit.ExitCode);
    }

    [Fact]
    public void AMissingWorkingDirectoryIsRefused()
    {
        var error = Assert.Throws<SpawnException>(() => SessionProcess.Start(["true"], Environment(), "/no/such/directory/hearth"));

        Assert.Equal("No such file or directory", error.Message);
    }

    [Fact]
    public async Task WhenTheLeaderExitsWhatItLeftInItsGroupIsKilledAndNothingIsLeftAZombie()
    {
        using var process = SessionProcess.Start(["sh", "-c", "sleep 300 & echo $!"], Environment(), System.Environment.CurrentDirectory);
        using var reader = new StreamReader(process.StandardOutput);
        var sleeper = int.Parse((await reader.ReadLineAsync(TestContext.Current.CancellationToken))!, CultureInfo.InvariantCulture);

        var exit = await process.Exited.WaitAsync(Bound, TestContext.Current.CancellationToken);

        Assert.Equal(0, exit.ExitCode);
        Assert.False(Exists(process.Pid), $"the leader {process.Pid} was not reaped");
        await Poll.UntilAsync("the orphaned sleep to be killed", () => !Exists(sleeper) || Stat(sleeper)[0] == "Z", Bound);
    }

    [Fact]
    public async Task SignallingTheGroupStopsEveryProcessInIt()
    {
        using var process = SessionProcess.Start(["sh", "-c", "sleep 300 & sleep 300 & echo go; wait"], Environment(), System.Environment.CurrentDirectory);
        using var reader = new StreamReader(process.StandardOutput);
        Assert.Equal("go", await reader.ReadLineAsync(TestContext.Current.CancellationToken));

        Assert.True(Hearth.Worker.ProcessGroup.Signal(process.Pid, Hearth.Worker.ProcessGroup.SigTerm));
        var exit = await process.Exited.WaitAsync(Bound, TestContext.Current.CancellationToken);

        Assert.Equal(128 + 15, exit.ExitCode);
        await Poll.UntilAsync("every process of the group to end", () => Members(process.Pid) == 0, Bound);
    }

    [Fact]
    public async Task ManyConcurrentStartsEachGetTheirOwnOutputAndExit()
    {
        var runs = Enumerable.Range(0, 64).Select(i => Task.Run(() => RunAsync(["sh", "-c", $"echo {i}; exit {i % 5}"]))).ToList();

        var results = await Task.WhenAll(runs);

        for (var i = 0; i < results.Length; i++)
        {
            Assert.Equal((i % 5, $"{i}\n"), (results[i].Exit.ExitCode, results[i].Stdout));
        }
    }
}
