using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Hearth.Protocol.Rest;
using Hearth.Worker.Sandboxing;

namespace Hearth.Algorithms.Tests.EndToEnd;

/// <summary>
/// A hostile algorithm of one account beside another account's instance, on a real worker that must sandbox them:
/// the sandbox is required here, so a machine that cannot provide it fails these tests rather than skipping them.
/// </summary>
public sealed class SandboxTests
{
    private const int PidsLimit = 64;

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "SandboxFixtures", name);

    private static async Task<(TestCluster Cluster, HttpClient Mallory, HttpClient Bob)> StartAsync()
    {
        var cluster = await TestCluster.StartInProcessAsync(worker: o => o with { Sandbox = SandboxMode.Required, SandboxPids = PidsLimit });
        var agent = Assert.Single(cluster.Agents);
        Assert.True(agent.Isolation == "sandbox", agent.IsolationNote);
        await cluster.AccountAsync("mallory");
        await cluster.AccountAsync("bob");
        await cluster.PublishAsync("mallory/hostile", await cluster.PushAsync(Fixture("hostile"), "mallory/hostile"), "1.0.0", isPublic: true);
        await cluster.PublishAsync("bob/victim", await cluster.PushAsync(Fixture("victim"), "bob/victim"), "1.0.0", isPublic: true);
        return (cluster, cluster.Client(await cluster.KeyAsync("mallory")), cluster.Client(await cluster.KeyAsync("bob")));
    }

    [Fact]
    public async Task AHostileAlgorithmCannotReachAnotherAccountsInstanceOrTheWorker()
    {
        var (cluster, mallory, bob) = await StartAsync();
        await using var _ = cluster;
        var victim = await VictimAnswersAsync(bob, "first");
        var nothing = new { probe = new { pids = Array.Empty<int>(), read = Array.Empty<string>(), list = Array.Empty<string>(), write = Array.Empty<string>() } };
        Assert.Equal(200, (await TestCluster.CallAsync(mallory, "mallory/hostile", JsonSerializer.Serialize(nothing))).Status);

        var instances = await cluster.InstancesAsync();
        Assert.All(instances, i => Assert.Equal("sandbox", i.Isolation));
        var workers = await cluster.Admin.GetFromJsonAsync<WorkerListView>("/v1/workers", ApiJson.Options, TestContext.Current.CancellationToken);
        Assert.Equal("sandbox", Assert.Single(workers!.Workers).Isolation);
        var victimId = Assert.Single(instances, i => i.Account == "bob").Id;
        var victimPids = HostPidsOf(victimId);
        Assert.NotEmpty(victimPids);
        var runDirectory = cluster.Agents[0].RunDirectory;
        var dataDirectory = cluster.DataDirectory;
        var victimScript = Assert.Single(Directory.GetFiles(runDirectory, "victim.py", SearchOption.AllDirectories));
        var ownBuild = Path.GetDirectoryName(Assert.Single(Directory.GetFiles(runDirectory, "hostile.py", SearchOption.AllDirectories)))!;
        var workerFiles = Directory.EnumerateFiles(runDirectory, "*", SearchOption.AllDirectories).Where(f => !f.StartsWith(ownBuild + "/", StringComparison.Ordinal));
        var supervisorFiles = Directory.EnumerateFiles(dataDirectory, "*", SearchOption.AllDirectories);
        var keys = new[] { cluster.Host.Keys.AdminKeyPath, cluster.Host.Keys.WorkerKeyPath };

        // The home directory's own files; a runtime bound from under it (a pyenv Python) shows only as its path.
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var homeFiles = Directory.EnumerateFiles(home).Take(5).Append(Path.Combine(home, ".ssh", "id_rsa"));
        var probe = new
        {
            probe = new
            {
                pids = victimPids,
                read = workerFiles.Take(30).Concat(supervisorFiles.Take(20)).Concat(keys)
                    .Concat(victimPids.Select(p => $"/proc/{p}/root/tmp/victim-secret")).Append("/tmp/victim-secret").Append(victimScript).Concat(homeFiles).Distinct().ToArray(),
                list = new[] { Path.GetDirectoryName(victimScript)!, Path.Combine(runDirectory, "instances"), dataDirectory, "/home" },
                write = new[]
                {
                    "/hostile", "/etc/hostile", "/usr/hostile", "/var/hostile", "/root/hostile", "/home/hostile", "/proc/hostile", "/dev/hostile",
                    Path.Combine(ownBuild, "hostile"), Path.Combine(runDirectory, "hostile"), Path.Combine(dataDirectory, "hostile"),
                },
            },
        };

        var answer = await TestCluster.CallAsync(mallory, "mallory/hostile", JsonSerializer.Serialize(probe));
        Assert.True(answer.Status == 200, answer.Body.GetRawText());
        var report = answer.Result;
        var tried = report.EnumerateObject().Where(p => p.Name.Contains(' ', StringComparison.Ordinal) && p.Name.Split(' ')[0] is "environ" or "signal" or "read" or "list" or "write").ToList();
        var allowed = tried.Where(p => !p.Value.GetString()!.StartsWith("refused", StringComparison.Ordinal)).Select(p => $"{p.Name} -> {p.Value}").ToList();
        Assert.True(allowed.Count == 0, "the hostile algorithm was allowed: " + string.Join("; ", allowed));
        Assert.Equal(victimPids.Count * 2 + probe.probe.read.Length + probe.probe.list.Length + probe.probe.write.Length, tried.Count);
        Assert.StartsWith("allowed", report.GetProperty("own tmp").GetString(), StringComparison.Ordinal);

        // It sees only its own processes, and no environment but its own.
        var processes = report.GetProperty("processes").EnumerateObject().Select(p => p.Value.GetString()!).ToList();
        Assert.DoesNotContain(processes, p => p.Contains("victim", StringComparison.Ordinal));
        Assert.InRange(processes.Count, 1, 4);
        Assert.All(report.GetProperty("environs").EnumerateObject(), p => Assert.StartsWith("refused", p.Value.GetString(), StringComparison.Ordinal));
        var environment = report.GetProperty("environ").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
        Assert.Equal("/tmp/algoout", environment["ALGOOUT"]);
        Assert.Subset(new HashSet<string>
        {
            "ALGOOUT", "HEARTH_INSTANCE_ID", "HEARTH_WORKER", "PYTHONUNBUFFERED", "PATH", "HOME", "TMPDIR", "PWD", "LANG", "LC_CTYPE",
            "ALGORITHMIA_API", "ALGORITHMIA_API_KEY",
        }, environment.Keys.ToHashSet());

        // Each account runs as its own unprivileged uid.
        var hostileUid = report.GetProperty("uid").GetInt32();
        var victimUid = victim.GetProperty("uid").GetInt32();
        Assert.NotEqual(0, hostileUid);
        Assert.NotEqual(0, victimUid);
        Assert.NotEqual(hostileUid, victimUid);

        await VictimAnswersAsync(bob, "after the probe");
        Assert.Equal(victimPids, HostPidsOf(victimId));

        // A seccomp filter, no new privileges, and no user namespace of its own (unshare -Ur is refused).
        var harden = await TestCluster.CallAsync(mallory, "mallory/hostile", """{"harden": true}""");
        Assert.True(harden.Status == 200, harden.Body.GetRawText());
        Assert.Equal(["NoNewPrivs:\t1", "Seccomp:\t2"], harden.Result.GetProperty("status").EnumerateArray().Select(l => l.GetString()!).Order(StringComparer.Ordinal));
        Assert.NotEqual(0, harden.Result.GetProperty("unshare").GetInt32());
        Assert.Contains("Operation not permitted", harden.Result.GetProperty("unshare_output").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MemoryAndProcessesStopAtTheReservationAndOnlyForTheHostileInstance()
    {
        var (cluster, mallory, bob) = await StartAsync();
        await using var _ = cluster;
        await VictimAnswersAsync(bob, "first");

        var bomb = await TestCluster.CallAsync(mallory, "mallory/hostile", """{"forkbomb": true}""");
        Assert.True(bomb.Status == 200, bomb.Body.GetRawText());
        Assert.Equal("Resource temporarily unavailable", bomb.Result.GetProperty("error").GetString());
        Assert.InRange(bomb.Result.GetProperty("started").GetInt32(), 1, PidsLimit - 1);
        await VictimAnswersAsync(bob, "after the fork bomb");

        var hog = await TestCluster.CallAsync(mallory, "mallory/hostile", """{"allocate": 600}""");
        Assert.NotEqual(200, hog.Status);
        Assert.Contains("instance exceeded its reservation host.memory=256", hog.Error, StringComparison.Ordinal);

        var after = await TestCluster.CallAsync(bob, "bob/victim", "\"after the hog\"");
        Assert.Equal(200, after.Status);
        Assert.False(after.ColdStart);
        await cluster.WaitForInstancesAsync(list => list.All(i => i.Account == "bob"), "the hostile instance to be gone");
    }

    [Fact]
    public async Task AWorkerWithTheSandboxOffShowsNoIsolation()
    {
        await using var cluster = await TestCluster.StartInProcessAsync(worker: o => o with { Sandbox = SandboxMode.Off });
        Assert.Equal(("none", "no isolation: the sandbox is off (--sandbox off)"), (cluster.Agents[0].Isolation, cluster.Agents[0].IsolationNote));
        var workers = await cluster.Admin.GetFromJsonAsync<WorkerListView>("/v1/workers", ApiJson.Options, TestContext.Current.CancellationToken);
        Assert.Equal("none", Assert.Single(workers!.Workers).Isolation);
    }

    [Fact]
    public async Task TwoAccountsEachGetTheirOwnAlgoout()
    {
        // Room for every caller's instance, so no account's idle instance is let go to make room for the other's.
        await using var cluster = await TestCluster.StartInProcessAsync(
            resources: "host.processors=32,host.memory=64000", worker: o => o with { Sandbox = SandboxMode.Required });
        await cluster.AccountAsync("alice");
        await cluster.AccountAsync("bob");
        await cluster.PublishAsync("alice/echo", await cluster.PushAsync(Worker.Paths.Example("echo"), "alice/echo"), "1.0.0", isPublic: true);
        var clients = new Dictionary<string, HttpClient> { ["alice"] = cluster.Client(await cluster.KeyAsync("alice")), ["bob"] = cluster.Client(await cluster.KeyAsync("bob")) };
        var calls = Enumerable.Range(0, 12).SelectMany(n => clients.Select(async c =>
        {
            var request = $$"""{"who": "{{c.Key}}", "n": {{n}}}""";
            var answer = await TestCluster.CallAsync(c.Value, "alice/echo", request);
            return (Sent: request, answer.Status, Got: answer.Status == 200 ? answer.Result.GetRawText() : answer.Body.GetRawText());
        }));
        var answers = await Task.WhenAll(calls);
        Assert.All(answers, a => Assert.Equal((200, JsonDocument.Parse(a.Sent).RootElement.GetRawText().Replace(" ", "", StringComparison.Ordinal)), (a.Status, a.Got)));
        Assert.Equal(["alice", "bob"], (await cluster.InstancesAsync()).Select(i => i.Account).Distinct().Order());
    }

    [Fact]
    public async Task ASandboxedSubjobWritesItsWorkingDirectoryAndStopsAtItsMemory()
    {
        await using var cluster = await TestCluster.StartInProcessAsync(worker: o => o with { Sandbox = SandboxMode.Required, SandboxJobs = true });
        var ct = TestContext.Current.CancellationToken;
        var work = Directory.CreateDirectory(Path.Combine(cluster.Root, "job")).FullName;
        var script = "echo pid $$; cat \"$HEARTH_ALLOCATION_FILE\" >/dev/null && echo allocation readable; touch made; "
            + "exec python3 -c 'x = b\"x\" * (300 * 1024 * 1024)'";
        var submitted = await cluster.Admin.PostAsJsonAsync(
            "/v1/jobs", new SubmitJobRequest(["sh", "-c", script], Reservations: "host.processors=1,host.memory=64", WorkingDirectory: work), ApiJson.Options, ct);
        submitted.EnsureSuccessStatusCode();
        var id = (await submitted.Content.ReadFromJsonAsync<SubmitJobResponse>(ApiJson.Options, ct))!.Id;

        JobView job = null!;
        await Poll.UntilAsync("the job to end", async () => (job = (await cluster.Admin.GetFromJsonAsync<JobView>($"/v1/jobs/{id}", ApiJson.Options, ct))!).FinishedAt is not null,
            state: () => JsonSerializer.Serialize(job, ApiJson.Options));

        var logs = (await cluster.Admin.GetFromJsonAsync<JobLogsView>($"/v1/jobs/{id}/logs", ApiJson.Options, ct))!.Subjobs.Single();
        Assert.Matches("^pid [1-3]\nallocation readable\n$", logs.Stdout);
        Assert.True(File.Exists(Path.Combine(work, "made")));
        var subjob = Assert.Single(job.Subjobs);
        Assert.Contains("subjob exceeded its reservation host.memory=64", subjob.Error ?? "", StringComparison.Ordinal);
    }

    private static async Task<JsonElement> VictimAnswersAsync(HttpClient bob, string text)
    {
        var answer = await TestCluster.CallAsync(bob, "bob/victim", JsonSerializer.Serialize(text));
        Assert.True(answer.Status == 200, answer.Body.GetRawText());
        Assert.Equal((text, "the victim's secret"), (answer.Result.GetProperty("echo").GetString(), answer.Result.GetProperty("secret").GetString()));
        return answer.Result;
    }

    /// <summary>The host pids of an instance's processes, found by the instance ID in their environment.</summary>
    private static List<int> HostPidsOf(string instanceId)
    {
        var marker = $"HEARTH_INSTANCE_ID={instanceId}\0";
        var pids = new List<int>();
        foreach (var directory in Directory.GetDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                try
                {
                    if (File.ReadAllText(Path.Combine(directory, "environ")).Contains(marker, StringComparison.Ordinal))
                    {
                        pids.Add(pid);
                    }
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Gone, or not ours to read.
                }
            }
        }

        pids.Sort();
        return pids;
    }
}
