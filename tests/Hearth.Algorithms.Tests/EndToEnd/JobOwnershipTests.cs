using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hearth.Protocol.Rest;

namespace Hearth.Algorithms.Tests.EndToEnd;

/// <summary>
/// One cluster with users alice and bob and the organization acme (alice a member, bob not), each with a key, and
/// the admin and worker keys the supervisor starts with.
/// </summary>
public sealed class JobOwnershipCluster : IAsyncLifetime
{
    internal TestCluster Cluster { get; private set; } = null!;

    internal HttpClient Admin => Cluster.Admin;

    internal HttpClient Alice { get; private set; } = null!;

    internal HttpClient Bob { get; private set; } = null!;

    internal HttpClient Acme { get; private set; } = null!;

    internal HttpClient Worker { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Cluster = await TestCluster.StartInProcessAsync(resources: "host.processors=8,host.memory=4000");
        await Cluster.AccountAsync("alice");
        await Cluster.AccountAsync("bob");
        await Cluster.AccountAsync("acme", org: true);
        await Cluster.MemberAsync("acme", "alice");
        Alice = Cluster.Client(await Cluster.KeyAsync("alice"));
        Bob = Cluster.Client(await Cluster.KeyAsync("bob"));
        Acme = Cluster.Client(await Cluster.KeyAsync("acme"));
        Worker = Cluster.Client(Cluster.Host.Keys.WorkerKey);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in new[] { Alice, Bob, Acme, Worker })
        {
            client?.Dispose();
        }

        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }
    }
}

/// <summary>Jobs belong to who submitted them: an account key reaches its own and its organizations' jobs, an admin key every job.</summary>
public sealed class JobOwnershipTests(JobOwnershipCluster fixture) : IClassFixture<JobOwnershipCluster>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AJobShowsTheAccountThatSubmittedItOrAdminForAnAdminKey()
    {
        var alices = await SubmitAsync(fixture.Alice, "true");
        var admins = await SubmitAsync(fixture.Admin, "true");
        var acmes = await SubmitAsync(fixture.Acme, "true");

        Assert.Equal("alice", await SubmittedByAsync(fixture.Admin, alices));
        Assert.Equal("admin", await SubmittedByAsync(fixture.Admin, admins));
        Assert.Equal("acme", await SubmittedByAsync(fixture.Admin, acmes));
        var listed = await ListAsync(fixture.Admin);
        Assert.Equal(["acme", "admin", "alice"], listed.Where(j => j.Id >= alices).Select(j => j.SubmittedBy).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AnAccountKeyListsOnlyItsOwnAndItsOrganizationsJobsAndAnAdminKeyListsEvery()
    {
        var alices = await SubmitAsync(fixture.Alice, "true");
        var bobs = await SubmitAsync(fixture.Bob, "true");
        var acmes = await SubmitAsync(fixture.Acme, "true");
        var admins = await SubmitAsync(fixture.Admin, "true");
        long[] ours = [alices, bobs, acmes, admins];

        Assert.Equal([acmes, alices], (await ListAsync(fixture.Alice)).Select(j => j.Id).Where(ours.Contains));
        Assert.Equal([bobs], (await ListAsync(fixture.Bob)).Select(j => j.Id).Where(ours.Contains));
        Assert.Equal([acmes], (await ListAsync(fixture.Acme)).Select(j => j.Id).Where(ours.Contains));
        Assert.Equal([admins, acmes, bobs, alices], (await ListAsync(fixture.Admin)).Select(j => j.Id).Where(ours.Contains));
        Assert.All(await ListAsync(fixture.Bob), j => Assert.Equal("bob", j.SubmittedBy));
        Assert.All(await ListAsync(fixture.Alice), j => Assert.True(j.SubmittedBy is "alice" or "acme", j.SubmittedBy));

        var bobsCounts = await fixture.Bob.GetFromJsonAsync<JobCountsView>("/v1/jobs/counts", ApiJson.Options, Token);
        var allCounts = await fixture.Admin.GetFromJsonAsync<JobCountsView>("/v1/jobs/counts", ApiJson.Options, Token);
        Assert.Equal((await ListAsync(fixture.Bob)).Count, bobsCounts!.States.Values.Sum());
        Assert.Equal((await ListAsync(fixture.Admin)).Count, allCounts!.States.Values.Sum());
    }

    [Fact]
    public async Task AnotherAccountsJobIsNotFoundToGetWaitLogsOrKillAndKeepsRunning()
    {
        var alices = await SubmitAsync(fixture.Alice, "sleep", "60");
        await WaitRunningAsync(alices);

        foreach (var (method, path) in JobPaths(alices))
        {
            await AssertNotFoundAsync(fixture.Bob, method, path, $"job {alices} not found");
        }

        await AssertNotFoundAsync(fixture.Bob, HttpMethod.Get, $"/v1/jobs/{alices}/subjobs/0/stdout", $"job {alices} not found");
        Assert.Equal("running", (await JobAsync(fixture.Admin, alices)).State);

        using var killed = await fixture.Alice.PostAsync($"/v1/jobs/{alices}/kill", null, Token);
        Assert.Equal(HttpStatusCode.OK, killed.StatusCode);
        Assert.Equal("killed", (await WaitAsync(fixture.Alice, alices)).State);
    }

    [Fact]
    public async Task AnOrganizationMemberReachesTheOrganizationsJobsButANonMemberDoesNot()
    {
        var done = await SubmitAsync(fixture.Acme, "sh", "-c", "echo from-acme");
        var running = await SubmitAsync(fixture.Acme, "sleep", "60");

        Assert.Equal("complete", (await WaitAsync(fixture.Alice, done)).State);
        var logs = await fixture.Alice.GetFromJsonAsync<JobLogsView>($"/v1/jobs/{done}/logs", ApiJson.Options, Token);
        Assert.Equal("from-acme\n", Assert.Single(logs!.Subjobs).Stdout);
        Assert.Equal("from-acme\n", await fixture.Alice.GetStringAsync($"/v1/jobs/{done}/subjobs/0/stdout", Token));
        Assert.Equal("acme", (await JobAsync(fixture.Alice, done)).SubmittedBy);
        foreach (var (method, path) in JobPaths(running))
        {
            await AssertNotFoundAsync(fixture.Bob, method, path, $"job {running} not found");
        }

        await WaitRunningAsync(running);
        using var killed = await fixture.Alice.PostAsync($"/v1/jobs/{running}/kill", null, Token);
        Assert.Equal(HttpStatusCode.OK, killed.StatusCode);
        Assert.Equal("killed", (await WaitAsync(fixture.Acme, running)).State);
    }

    [Fact]
    public async Task AnOrganizationKeyDoesNotReachItsMembersOwnJobsNorAMemberTheAdminsJobs()
    {
        var alices = await SubmitAsync(fixture.Alice, "true");
        var admins = await SubmitAsync(fixture.Admin, "true");

        await AssertNotFoundAsync(fixture.Acme, HttpMethod.Get, $"/v1/jobs/{alices}", $"job {alices} not found");
        await AssertNotFoundAsync(fixture.Alice, HttpMethod.Get, $"/v1/jobs/{admins}", $"job {admins} not found");
        await AssertNotFoundAsync(fixture.Alice, HttpMethod.Post, $"/v1/jobs/{admins}/kill", $"job {admins} not found");
    }

    [Fact]
    public async Task AnAdminKeyReadsAndKillsAnyAccountsJob()
    {
        var bobsDone = await SubmitAsync(fixture.Bob, "sh", "-c", "echo from-bob");
        var bobsRunning = await SubmitAsync(fixture.Bob, "sleep", "60");

        Assert.Equal("complete", (await WaitAsync(fixture.Admin, bobsDone)).State);
        var logs = await fixture.Admin.GetFromJsonAsync<JobLogsView>($"/v1/jobs/{bobsDone}/logs", ApiJson.Options, Token);
        Assert.Equal("from-bob\n", Assert.Single(logs!.Subjobs).Stdout);
        await WaitRunningAsync(bobsRunning);
        using var killed = await fixture.Admin.PostAsync($"/v1/jobs/{bobsRunning}/kill", null, Token);
        Assert.Equal(HttpStatusCode.OK, killed.StatusCode);
        Assert.Equal("killed", (await WaitAsync(fixture.Bob, bobsRunning)).State);
    }

    [Fact]
    public async Task AWorkerKeyCannotUseTheJobsApi()
    {
        var admins = await SubmitAsync(fixture.Admin, "true");

        using var submitted = await fixture.Worker.PostAsJsonAsync("/v1/jobs", new SubmitJobRequest(["true"]), ApiJson.Options, Token);
        Assert.Equal(HttpStatusCode.Forbidden, submitted.StatusCode);
        foreach (var (method, path) in JobPaths(admins).Append((HttpMethod.Get, "/v1/jobs")))
        {
            using var answer = await fixture.Worker.SendAsync(new HttpRequestMessage(method, path), Token);
            Assert.Equal(HttpStatusCode.Forbidden, answer.StatusCode);
        }
    }

    [Fact]
    public async Task ARunningJobStartedWhenItsFirstSubjobDidInItsViewAndInTheList()
    {
        var id = await SubmitAsync(fixture.Alice, "sleep", "60");
        var job = await WaitRunningAsync(id);

        Assert.NotNull(job.StartedAt);
        Assert.Equal(job.Subjobs.Single().StartedAt, job.StartedAt);
        Assert.Equal(job.StartedAt, (await ListAsync(fixture.Alice)).Single(j => j.Id == id).StartedAt);
        using var killed = await fixture.Alice.PostAsync($"/v1/jobs/{id}/kill", null, Token);
        Assert.Equal(HttpStatusCode.OK, killed.StatusCode);
    }

    private static IEnumerable<(HttpMethod Method, string Path)> JobPaths(long id) =>
    [
        (HttpMethod.Get, $"/v1/jobs/{id}"),
        (HttpMethod.Get, $"/v1/jobs/{id}/wait?timeout=0"),
        (HttpMethod.Get, $"/v1/jobs/{id}/logs"),
        (HttpMethod.Post, $"/v1/jobs/{id}/kill"),
    ];

    private static async Task<long> SubmitAsync(HttpClient client, params string[] command)
    {
        using var response = await client.PostAsJsonAsync("/v1/jobs", new SubmitJobRequest(command), ApiJson.Options, Token);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<SubmitJobResponse>(ApiJson.Options, Token))!.Id;
    }

    private static async Task<JobView> JobAsync(HttpClient client, long id) =>
        (await client.GetFromJsonAsync<JobView>($"/v1/jobs/{id}", ApiJson.Options, Token))!;

    private static async Task<string> SubmittedByAsync(HttpClient client, long id)
    {
        // Read as JSON, not through the view record: the field's wire name is part of the contract.
        using var document = JsonDocument.Parse(await client.GetStringAsync($"/v1/jobs/{id}", Token));
        return document.RootElement.GetProperty("submitted_by").GetString()!;
    }

    private static async Task<IReadOnlyList<JobSummaryView>> ListAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<JobListView>("/v1/jobs?limit=10000", ApiJson.Options, Token))!.Jobs;

    private static async Task<JobView> WaitAsync(HttpClient client, long id) =>
        (await client.GetFromJsonAsync<JobView>($"/v1/jobs/{id}/wait?timeout=60", ApiJson.Options, Token))!;

    /// <summary>Polls (bounded) until the job's process has started.</summary>
    private async Task<JobView> WaitRunningAsync(long id)
    {
        JobView job = null!;
        await Poll.UntilAsync($"job {id} to start", async () => (job = await JobAsync(fixture.Admin, id)).Subjobs.All(s => s.Pid is not null),
            state: () => $"it is {job?.State}");
        return job;
    }

    private static async Task AssertNotFoundAsync(HttpClient client, HttpMethod method, string path, string detail)
    {
        using var response = await client.SendAsync(new HttpRequestMessage(method, path), Token);
        var body = await response.Content.ReadAsStringAsync(Token);
        Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{method} {path}: {(int)response.StatusCode} {body}");
        using var problem = JsonDocument.Parse(body);
        Assert.Equal(detail, problem.RootElement.GetProperty("detail").GetString());
    }
}
