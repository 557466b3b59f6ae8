using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Hearth.Protocol.Rest;
using Hearth.Worker.Sandboxing;

namespace Hearth.Algorithms.Tests.EndToEnd;

/// <summary>
/// A hostile account's job beside another account's, on a real root worker with its default job isolation and a
/// shared project directory: it may write its mount and its own /tmp, and nothing else of the host's or the other's.
/// </summary>
public sealed class HostileJobTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnAccountsJobCannotReachTheKeysTheBuildsOrAnotherAccountsJob()
    {
        var share = Worker.Paths.Scratch();
        var projects = Directory.CreateDirectory(Path.Combine(share, "projects")).FullName;
        var library = Directory.CreateDirectory(Path.Combine(share, "library")).FullName;
        File.SetUnixFileMode(projects, (UnixFileMode)0x3FF);
        File.WriteAllText(Path.Combine(library, "texture"), "shared texture");
        await using var cluster = await TestCluster.StartInProcessAsync(
            resources: "host.processors=4,host.memory=4000",
            worker: o => o with { Sandbox = SandboxMode.Required, JobMounts = [new JobMount(projects, true), new JobMount(library, false)] });
        Assert.Equal("sandbox", Assert.Single(cluster.Agents).AccountJobs);
        var workers = await cluster.Admin.GetFromJsonAsync<WorkerListView>("/v1/workers", ApiJson.Options, Token);
        Assert.Equal("sandbox", Assert.Single(workers!.Workers).AccountJobs);
        await cluster.AccountAsync("mallory");
        await cluster.AccountAsync("bob");
        var mallory = cluster.Client(await cluster.KeyAsync("mallory"));
        var bob = cluster.Client(await cluster.KeyAsync("bob"));

        // bob's job keeps a secret in its own /tmp and a private file in the shared projects, then waits.
        var bobJob = await SubmitAsync(bob, "echo bob-secret > /tmp/bob-secret; umask 077; echo bob-private > bob-private; echo ready; exec sleep 600", projects);
        await Poll.UntilAsync("bob's job to be ready", async () => (await LogsAsync(cluster, bobJob)).Contains("ready", StringComparison.Ordinal));
        // Its processes, found through its cgroup: the only subjob's of this worker so far.
        var bobGroup = Assert.Single(Directory.GetDirectories(File.ReadAllLines(Path.Combine(cluster.Agents[0].RunDirectory, "cgroups"))[0], "subjob-*"));
        var bobPids = HostPidsOf(bobGroup);
        Assert.NotEmpty(bobPids);
        var bobUid = OwnerOf(Path.Combine(projects, "bob-private"));

        var runDirectory = cluster.Agents[0].RunDirectory;
        var read = Directory.EnumerateFiles(runDirectory, "*", SearchOption.AllDirectories).Take(20)
            .Concat(Directory.EnumerateFiles(cluster.DataDirectory, "*", SearchOption.AllDirectories).Take(20))
            .Concat([cluster.Host.Keys.AdminKeyPath, cluster.Host.Keys.WorkerKeyPath, Path.Combine(projects, "bob-private"), "/tmp/bob-secret"])
            .Concat(bobPids.Select(p => $"/proc/{p}/root/tmp/bob-secret")).Concat(bobPids.Select(p => $"/proc/{p}/environ"));
        var list = new[] { runDirectory, Path.Combine(runDirectory, "builds"), cluster.DataDirectory, "/root", "/home" };
        var write = new[]
        {
            "/hostile", "/etc/hostile", "/usr/hostile", "/root/hostile", Path.Combine(runDirectory, "hostile"), Path.Combine(cluster.DataDirectory, "hostile"),
            Path.Combine(library, "hostile"), Path.Combine(projects, "bob-private"),
        };
        var script = string.Join('\n',
        [
            "try() { what=$1; shift; if \"$@\" >/dev/null 2>&1; then echo \"allowed: $what\"; else echo \"refused: $what\"; fi; }",
            "echo \"uid $(id -u)\"",
            "grep -E '^(Seccomp|NoNewPrivs|CapEff):' /proc/self/status",
            .. read.Select(f => $"try {Quote("read " + f)} head -c 20 {Quote(f)}"),
            .. list.Select(d => $"try {Quote("list " + d)} ls -A {Quote(d)}"),
            .. bobPids.Select(p => $"try 'signal {p}' kill -9 {p}"),
            .. write.Select(f => $"try {Quote("write " + f)} sh -c 'echo hostile >> \"$1\"' - {Quote(f)}"),
            "try 'user namespace' unshare -Ur id",
            "try 'read own allocation' cat \"$HEARTH_ALLOCATION_FILE\"",
            "try 'read own mount' head -c 20 " + Quote(Path.Combine(library, "texture")),
            "try 'write own tmp' sh -c 'echo mine > /tmp/mine'",
            "try 'write projects' sh -c " + Quote($"echo mine > {Path.Combine(projects, "mallory-out")}"),
        ]);
        var malloryJob = await SubmitAsync(mallory, script, projects);
        var job = await WaitAsync(cluster, malloryJob);
        var output = await LogsAsync(cluster, malloryJob);
        Assert.True(job.State == "complete", $"{JsonSerializer.Serialize(job, ApiJson.Options)}\n{output}");
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        var tried = lines.Where(l => l.StartsWith("allowed: ", StringComparison.Ordinal) || l.StartsWith("refused: ", StringComparison.Ordinal)).ToList();
        var expectedAllowed = new[] { "allowed: read own allocation", "allowed: read own mount", "allowed: write own tmp", "allowed: write projects" };
        Assert.Equal(expectedAllowed, tried.Where(l => l.StartsWith("allowed", StringComparison.Ordinal)));
        Assert.Equal(read.Count() + list.Length + bobPids.Count + write.Length + 1 + expectedAllowed.Length, tried.Count);

        // Its own unprivileged uid, other than bob's; no capabilities, no new privileges, a seccomp filter.
        var uid = int.Parse(lines.Single(l => l.StartsWith("uid ", StringComparison.Ordinal))[4..], CultureInfo.InvariantCulture);
        Assert.NotEqual(0, uid);
        Assert.NotEqual(0, bobUid);
        Assert.NotEqual(bobUid, uid);
        Assert.Contains("Seccomp:\t2", lines);
        Assert.Contains("NoNewPrivs:\t1", lines);
        Assert.Contains("CapEff:\t0000000000000000", lines);
        Assert.Equal(uid, OwnerOf(Path.Combine(projects, "mallory-out")));
        Assert.Equal("bob-private\n", File.ReadAllText(Path.Combine(projects, "bob-private")));

        // bob's job runs on, untouched.
        Assert.Equal(bobPids, HostPidsOf(bobGroup));
        Assert.Equal("running", (await cluster.Admin.GetFromJsonAsync<JobView>($"/v1/jobs/{bobJob}", ApiJson.Options, Token))!.State);
        (await cluster.Admin.PostAsync($"/v1/jobs/{bobJob}/kill", null, Token)).EnsureSuccessStatusCode();
        Directory.Delete(share, recursive: true);
    }

    [Fact]
    public async Task AWorkerThatCannotIsolateLeavesAccountsJobsPendingWithTheReasonUnlessAllowed()
    {
        await using var cluster = await TestCluster.StartInProcessAsync(worker: o => o with { Sandbox = SandboxMode.Off });
        Assert.StartsWith("refused: this worker cannot isolate them (the sandbox is off (--sandbox off))", cluster.Agents[0].AccountJobs, StringComparison.Ordinal);
        var workers = await cluster.Admin.GetFromJsonAsync<WorkerListView>("/v1/workers", ApiJson.Options, Token);
        Assert.StartsWith("refused: ", Assert.Single(workers!.Workers).AccountJobs, StringComparison.Ordinal);
        await cluster.AccountAsync("mallory");
        var mallory = cluster.Client(await cluster.KeyAsync("mallory"));

        var refused = await SubmitAsync(mallory, "id -u", null);
        JobView job = null!;
        await Poll.UntilAsync("the pending reason", async () =>
            (job = (await mallory.GetFromJsonAsync<JobView>($"/v1/jobs/{refused}", ApiJson.Options, Token))!).PendingReason is not null);
        Assert.Equal("pending", job.State);
        Assert.Contains("every worker refuses them because it cannot isolate them", job.PendingReason, StringComparison.Ordinal);
        Assert.Contains("the sandbox is off", job.PendingReason, StringComparison.Ordinal);
        Assert.Contains("--jobs-unisolated allow", job.PendingReason, StringComparison.Ordinal);

        // The admin's own jobs run there as before.
        var admins = await SubmitAsync(cluster.Admin, "echo admin", null);
        Assert.Equal("complete", (await WaitAsync(cluster, admins)).State);
        Assert.Equal("pending", (await mallory.GetFromJsonAsync<JobView>($"/v1/jobs/{refused}", ApiJson.Options, Token))!.State);
    }

    [Fact]
    public async Task AWorkerAllowedToRunAccountsJobsUnisolatedSaysSoAndRunsThem()
    {
        await using var cluster = await TestCluster.StartInProcessAsync(worker: o => o with { Sandbox = SandboxMode.Off, JobsUnisolated = true });
        var workers = await cluster.Admin.GetFromJsonAsync<WorkerListView>("/v1/workers", ApiJson.Options, Token);
        Assert.Equal("unisolated", Assert.Single(workers!.Workers).AccountJobs);
        await cluster.AccountAsync("mallory");
        var mallory = cluster.Client(await cluster.KeyAsync("mallory"));
        Assert.Equal("complete", (await WaitAsync(cluster, await SubmitAsync(mallory, "echo unisolated", null))).State);
    }

    private static async Task<long> SubmitAsync(HttpClient client, string script, string? directory)
    {
        var response = await client.PostAsJsonAsync(
            "/v1/jobs", new SubmitJobRequest(["sh", "-c", script], Reservations: "host.processors=1,host.memory=256", WorkingDirectory: directory), ApiJson.Options, Token);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Token));
        return (await response.Content.ReadFromJsonAsync<SubmitJobResponse>(ApiJson.Options, Token))!.Id;
    }

    private static async Task<JobView> WaitAsync(TestCluster cluster, long id)
    {
        JobView job = null!;
        await Poll.UntilAsync($"job {id} to end", async () => (job = (await cluster.Admin.GetFromJsonAsync<JobView>($"/v1/jobs/{id}", ApiJson.Options, Token))!).FinishedAt is not null,
            state: () => JsonSerializer.Serialize(job, ApiJson.Options));
        return job;
    }

    private static async Task<string> LogsAsync(TestCluster cluster, long id)
    {
        var logs = (await cluster.Admin.GetFromJsonAsync<JobLogsView>($"/v1/jobs/{id}/logs", ApiJson.Options, Token))!.Subjobs.Single();
        return logs.Stdout + logs.Stderr;
    }

    /// <summary>The uid that owns a file, as stat(1) reads it.</summary>
    private static int OwnerOf(string file)
    {
        var start = new System.Diagnostics.ProcessStartInfo("stat", ["-c", "%u", file]) { RedirectStandardOutput = true };
        using var process = System.Diagnostics.Process.Start(start)!;
        var text = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return int.Parse(text.Trim(), CultureInfo.InvariantCulture);
    }

    private static string Quote(string text) => "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>The host pids of the processes in a cgroup.</summary>
    private static List<int> HostPidsOf(string cgroup) =>
        [.. File.ReadAllLines(Path.Combine(cgroup, "cgroup.procs")).Select(p => int.Parse(p, CultureInfo.InvariantCulture)).Order()];
}
