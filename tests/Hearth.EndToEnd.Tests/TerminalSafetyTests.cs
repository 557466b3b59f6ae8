using Hearth.Supervisor.Storage;
using Hearth.Supervisor.Storage.Sqlite;

namespace Hearth.EndToEnd.Tests;

/// <summary>
/// What the CLI prints comes from the supervisor, and so from other people. A control character in it reaches the
/// terminal escaped, never as a command to it; and a command's trailing arguments never swallow a mistyped option.
/// </summary>
public sealed class TerminalSafetyTests
{
    private const string Clear = "\u001b[2J\u001b[31m";

    [Fact]
    public async Task AJobNameHoldingEscapeSequencesIsPrintedEscapedByJobsAndJob()
    {
        await using var cluster = await TestCluster.StartAsync();
        await cluster.StopSupervisorAsync();
        // A name stored before the supervisor refused such names at the edge.
        await using (var store = SqliteBackend.InDirectory(cluster.DataDirectory, TimeProvider.System))
        {
            var changes = new ChangeSet();
            changes.Jobs.Add(new JobRecord(
                7, $"evil{Clear}name", ["true"], "host.processors=64", 9999, 1, null, "pending", DateTimeOffset.UtcNow, null, null, 0));
            changes.Subjobs.Add(new SubjobRecord(7, 0, 700, "pending", 0, null, new Dictionary<string, int>(), false, null, null, null, null, null, 0));
            await store.Scheduler.CommitAsync(changes, TestContext.Current.CancellationToken);
        }

        await cluster.StartSupervisorAsync();
        var jobs = await cluster.RunAsync("jobs");
        var job = await cluster.RunAsync("job", "7");

        Assert.True(jobs.ExitCode == 0, jobs.ToString());
        Assert.Contains("evil\\x1b[2J\\x1b[", jobs.Stdout, StringComparison.Ordinal);
        Assert.True(job.ExitCode == 0, job.ToString());
        Assert.Contains("evil\\x1b[2J\\x1b[31mname", job.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', jobs.Stdout + job.Stdout);
    }

    [Theory]
    [InlineData("--rnage", "submit", "--rnage", "1-10", "--", "sh", "-c", "true")]
    [InlineData("-x", "submit", "-x", "--", "true")]
    [InlineData("--verbose", "submit", "--verbose", "true")]
    [InlineData("--raw", "call", "acme/model", "--raw")]
    public async Task AnUnknownOptionBeforeTheTrailingArgumentsIsAnErrorNamingItAndNothingIsSent(string option, params string[] args)
    {
        var result = await HearthCli.RunAsync(new Dictionary<string, string?>(), args);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal("", result.Stdout);
        Assert.StartsWith($"hearth: unknown option {option} for 'hearth {args[0]}'", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OptionsAfterTheDoubleDashBelongToTheCommand()
    {
        await using var cluster = await TestCluster.StartAsync();

        var submitted = await cluster.RunAsync("submit", "--reservations", "host.processors=64", "--", "sh", "-c", "--rnage");

        Assert.True(submitted.ExitCode == 0, submitted.ToString());
        var job = await cluster.RunAsync("job", submitted.Stdout.Trim(), "--json");
        Assert.Contains("\"command\": [\"sh\", \"-c\", \"--rnage\"]", job.Stdout, StringComparison.Ordinal);
    }
}
