using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Hearth.Protocol.Rest;
using Hearth.Reservations.Tests.EndToEnd;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Hearth.Reservations.Tests.Browser;

/// <summary>
/// The admin pages in Debian's Chromium against the shared real cluster: what an admin sees and does on the jobs, job,
/// worker, instances, algorithms and accounts pages, each screenshotted into the tests' artifacts.
/// </summary>
[Collection(ReservationClusterGroup.Name)]
public sealed class AdminWebTests(ReservationCluster cluster, Chromium chromium) : IClassFixture<Chromium>, IAsyncLifetime
{
    private static readonly LocatorAssertionsToHaveTextOptions Live = new() { Timeout = 30_000 };

    private IBrowserContext _context = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;
    private IPage _page = null!;

    public async ValueTask InitializeAsync()
    {
        _context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = cluster.Url.ToString(), ViewportSize = new() { Width = 1380, Height = 860 } });
        _page = await _context.NewPageAsync();
        _page.SetDefaultTimeout(15_000);
        // Destructive actions ask first; the admin says yes.
        _page.Dialog += async (_, dialog) => await dialog.AcceptAsync();
        await _page.GotoAsync("/admin/login");
        await _page.FillAsync("#key", cluster.AdminKey);
        await _page.ClickAsync("button[type=submit]");
        await Expect(_page).ToHaveURLAsync(new Regex("/admin$"));
    }

    public async ValueTask DisposeAsync() => await _context.CloseAsync();

    private static async Task<long> SubmitAsync(HttpClient client, string name, params string[] command)
    {
        var response = await client.PostAsJsonAsync("/v1/jobs", new SubmitJobRequest(command, name), ApiJson.Options, Cancel);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Cancel));
        return (await response.Content.ReadFromJsonAsync<SubmitJobResponse>(ApiJson.Options, Cancel))!.Id;
    }

    private async Task<JobView> JobAsync(long id) => (await cluster.Admin.GetFromJsonAsync<JobView>($"/v1/jobs/{id}", ApiJson.Options, Cancel))!;

    private async Task WaitForJobAsync(long id, string state) =>
        await cluster.WaitUntilAsync($"job {id} to be {state}", async () => (await JobAsync(id)).State == state);

    private async Task ScreenshotAsync(string name)
    {
        var screenshot = await _page.ScreenshotAsync(new PageScreenshotOptions { FullPage = true });
        var directory = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots")).FullName;
        await File.WriteAllBytesAsync(Path.Combine(directory, $"{name}.png"), screenshot, TestContext.Current.CancellationToken);
        TestContext.Current.AddAttachment($"{name}.png", screenshot, "image/png");
    }

    [Fact]
    public async Task AFailedJobsPageShowsItsExitCodeAndItsLog()
    {
        var id = await SubmitAsync(cluster.Admin, "web-fails", "sh", "-c", "echo rendering frame 1; echo out of memory >&2; exit 3");
        await WaitForJobAsync(id, JobStates.Failed);

        await _page.Locator($"tr[data-job='{id}'] a").First.ClickAsync();
        await Expect(_page).ToHaveURLAsync(new Regex($"/admin/jobs/{id}$"));
        await Expect(_page.Locator("#job-state")).ToHaveTextAsync("failed");
        var subjob = _page.Locator("tr[data-subjob='0']");
        await Expect(subjob.Locator(".state")).ToHaveTextAsync("failed");
        await Expect(subjob.Locator(".exit-code")).ToHaveTextAsync("3");
        // stdout and stderr come through two pipes, so which line the log shows first is the reader's race.
        await Expect(_page.Locator("#log")).ToContainTextAsync("rendering frame 1");
        await Expect(_page.Locator("#log")).ToContainTextAsync("out of memory");
        await Expect(_page.Locator("#log")).ToHaveAttributeAsync("data-state", "ended");
        await ScreenshotAsync("admin-job-failed");
    }

    [Fact]
    public async Task AnAgendaJobsFramesAreAGridByStateWhoseCellsOpenTheirLogsAndItsFailedFramesAreRetriedFromItsPage()
    {
        var submit = new SubmitJobRequest(["sh", "-c", "echo rendering frame QB_FRAME_NUMBER; test QB_FRAME_NUMBER -ne 3"], "web-frames", Cpus: 2, Range: "1-6");
        var response = await cluster.Admin.PostAsJsonAsync("/v1/jobs", submit, ApiJson.Options, Cancel);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Cancel));
        var id = (await response.Content.ReadFromJsonAsync<SubmitJobResponse>(ApiJson.Options, Cancel))!.Id;
        await WaitForJobAsync(id, JobStates.Failed);

        await _page.GotoAsync($"/admin/jobs/{id}");
        var cells = _page.Locator("#frames .cell");
        await Expect(cells).ToHaveTextAsync(["1", "2", "3", "4", "5", "6"]);
        await Expect(_page.Locator("#frames .cell.complete")).ToHaveTextAsync(["1", "2", "4", "5", "6"]);
        var third = _page.Locator("#frames .cell[data-item='3']");
        await Expect(third).ToHaveClassAsync(new Regex("\\bfailed\\b"));
        await Expect(third).ToHaveAttributeAsync("title", new Regex("^frame 3: failed, attempt 1 on .+, exit code 1"));
        await ScreenshotAsync("admin-job-frames");

        await third.ClickAsync();
        await Expect(_page.Locator("#log-item")).ToHaveTextAsync("3");
        await Expect(_page.Locator("#log")).ToHaveTextAsync(new Regex("^rendering frame 3\\s*$"));
        await Expect(_page.Locator("#log")).ToHaveAttributeAsync("data-state", "ended");

        await _page.ClickAsync("#retry-frames");
        await Expect(_page.Locator(".notice")).ToContainTextAsync($"Job {id}'s failed frames are pending again.");
        await Expect(_page.Locator("#frames .cell[data-item='3']"))
            .ToHaveAttributeAsync("title", new Regex("^frame 3: failed, attempt 2 on "), new() { Timeout = 30_000 });
        await Expect(_page.Locator("#frames .cell.complete")).ToHaveCountAsync(5);
    }

    [Fact]
    public async Task ARunningJobsLogIsFollowedLiveAndKillingItFromItsPageKillsIt()
    {
        var mark = Path.Combine(cluster.WorkDirectory, $"go-{Guid.NewGuid():N}");
        var id = await SubmitAsync(cluster.Admin, "web-sleeper", "sh", "-c", $"echo first line; while [ ! -e {mark} ]; do sleep 0.1; done; echo second line; exec sleep 600");
        await WaitForJobAsync(id, JobStates.Running);
        await cluster.WaitUntilAsync("its first line to be kept", async () =>
            (await cluster.Admin.GetStringAsync($"/v1/jobs/{id}/logs", Cancel)).Contains("first line", StringComparison.Ordinal));

        await _page.GotoAsync($"/admin/jobs/{id}");
        await Expect(_page.Locator("#job-state")).ToHaveTextAsync("running");
        await Expect(_page.Locator("#log")).ToHaveTextAsync(new Regex("^first line\\s*$"));
        await Expect(_page.Locator("#log")).ToHaveAttributeAsync("data-state", "following");

        // Output written after the page opened reaches it without a reload.
        await File.WriteAllTextAsync(mark, "", TestContext.Current.CancellationToken);
        await Expect(_page.Locator("#log")).ToHaveTextAsync(new Regex("first line\\s+second line"), Live);
        await ScreenshotAsync("admin-job-running");

        await _page.ClickAsync("#kill-job");
        await Expect(_page.GetByRole(AriaRole.Status)).ToContainTextAsync($"Job {id}");
        await Expect(_page.Locator("#job-state")).ToHaveTextAsync("killed", Live);
        Assert.Equal(JobStates.Killed, (await JobAsync(id)).State);
    }

    [Fact]
    public async Task JobsAreFilteredByStateAccountAndNameAndAFailingActionSaysWhy()
    {
        using var ann = await cluster.UserAsync("web-ann");
        var tag = Guid.NewGuid().ToString("N")[..8];
        var annsJob = await SubmitAsync(ann, $"shot-{tag}-ann", "true");
        var done = await SubmitAsync(cluster.Admin, $"shot-{tag}-ok", "true");
        var failed = await SubmitAsync(cluster.Admin, $"shot-{tag}-bad", "false");
        var other = await SubmitAsync(cluster.Admin, $"other-{tag}", "true");
        foreach (var (job, state) in new[] { (annsJob, JobStates.Complete), (done, JobStates.Complete), (failed, JobStates.Failed), (other, JobStates.Complete) })
        {
            await WaitForJobAsync(job, state);
        }

        await _page.GetByRole(AriaRole.Link, new() { Name = "Jobs", Exact = true }).ClickAsync();
        await _page.FillAsync("#filter-name", $"SHOT-{tag}");
        await _page.ClickAsync("#job-filters button[type=submit]");
        await Expect(_page.Locator("table.jobs tbody tr")).ToHaveCountAsync(3);
        await Expect(_page.Locator($"tr[data-job='{other}']")).ToHaveCountAsync(0);

        await _page.SelectOptionAsync("#filter-state", "complete");
        await _page.ClickAsync("#job-filters button[type=submit]");
        await Expect(_page.Locator("table.jobs tbody tr")).ToHaveCountAsync(2);
        await Expect(_page.Locator($"tr[data-job='{failed}']")).ToHaveCountAsync(0);

        await _page.FillAsync("#filter-account", "web-ann");
        await _page.ClickAsync("#job-filters button[type=submit]");
        await Expect(_page.Locator("table.jobs tbody tr")).ToHaveCountAsync(1);
        await Expect(_page.Locator($"tr[data-job='{annsJob}'] .account")).ToHaveTextAsync("web-ann");
        await Expect(_page.Locator("#filter-account")).ToHaveValueAsync("web-ann");
        await ScreenshotAsync("admin-jobs");

        // An ended job offers no kill; a retry with nothing to retry says why on the page, with no error page.
        await _page.GotoAsync($"/admin/jobs/{done}");
        await Expect(_page.Locator("#kill-job")).ToHaveCountAsync(0);
        var response = await _page.RunAndWaitForResponseAsync(() => _page.ClickAsync("#retry-job"), r => r.Url.EndsWith("/retry", StringComparison.Ordinal));
        Assert.Equal(409, response.Status);
        await Expect(_page.GetByRole(AriaRole.Alert)).ToHaveTextAsync($"job {done} is complete and has no failed or killed subjob to retry");
        await Expect(_page.Locator("#job-state")).ToHaveTextAsync("complete");
        Assert.Equal(1, (await JobAsync(done)).Subjobs[0].Attempt);

        // A filter the store cannot take is a page that says so, inside the admin frame.
        var refused = await _page.GotoAsync("/admin/jobs?state=lost");
        Assert.Equal(400, refused!.Status);
        await Expect(_page.GetByRole(AriaRole.Alert)).ToContainTextAsync("unknown state \"lost\"");
        await Expect(_page.Locator("header nav")).ToContainTextAsync("Jobs");
    }

    [Fact]
    public async Task InstancesAndAlgorithmsAreListedWithTheirVersionsAndAnInstanceIsStoppedFromItsRow()
    {
        using var olga = await cluster.UserAsync("web-olga");
        await cluster.PublishAsync("web-olga/echo", Algorithms.Echo(cluster.WorkDirectory, "v1"), "1.0.0");
        var created = await cluster.Admin.PostAsJsonAsync("/v1/admin/reservations",
            new CreateReservationRequest("web-olga", "web-olga/echo", "latest_public", JsonSerializer.SerializeToElement(1)), ApiJson.Options, Cancel);
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync(Cancel));
        var reservation = (await created.Content.ReadFromJsonAsync<ReservationView>(ApiJson.Options, Cancel))!;
        await using var cleanup = cluster.Removing(reservation.Id);
        await cluster.WaitForStateAsync(reservation.Id, ReservationStates.Ready);
        var instance = Assert.Single(await cluster.InstancesAsync("web-olga"));

        await _page.GetByRole(AriaRole.Link, new() { Name = "Instances", Exact = true }).ClickAsync();
        var row = _page.Locator($"tr[data-instance='{instance.Id}']");
        await Expect(row.Locator(".algorithm")).ToHaveTextAsync("web-olga/echo");
        await Expect(row.Locator(".version")).ToContainTextAsync("1.0.0");
        await Expect(row.Locator(".account")).ToHaveTextAsync("web-olga");
        await Expect(row.Locator(".reserved")).ToHaveTextAsync("reserved");
        await Expect(row.Locator(".worker")).ToHaveTextAsync(instance.Worker!);
        await ScreenshotAsync("admin-instances");

        await _page.GetByRole(AriaRole.Link, new() { Name = "Algorithms", Exact = true }).ClickAsync();
        var listed = _page.Locator("tr[data-algorithm='web-olga/echo']");
        await Expect(listed.Locator(".latest-public")).ToHaveTextAsync("1.0.0");
        await ScreenshotAsync("admin-algorithms");
        await listed.GetByRole(AriaRole.Link, new() { Name = "web-olga/echo" }).ClickAsync();
        await Expect(_page.Locator("tr[data-version='1.0.0']")).ToContainTextAsync("public");
        await Expect(_page.Locator($"tr[data-instance='{instance.Id}']")).ToHaveCountAsync(1);
        await Expect(_page.Locator($"tr[data-reservation='{reservation.Id}']")).ToContainTextAsync("web-olga");
        await ScreenshotAsync("admin-algorithm");

        await _page.GotoAsync("/admin/instances");
        await row.GetByRole(AriaRole.Button, new() { Name = "Stop" }).ClickAsync();
        await Expect(_page.GetByRole(AriaRole.Status)).ToHaveTextAsync($"Instance {instance.Id} is stopping.");
        await cluster.WaitUntilAsync("the stopped instance to be gone", async () =>
            (await cluster.InstancesAsync("web-olga")).All(i => i.Id != instance.Id));
        await Expect(row).ToHaveCountAsync(0, new() { Timeout = 30_000 });
    }

    [Fact]
    public async Task AKeyIsCreatedAndShownOnceThenRevoked()
    {
        var name = $"web-{Guid.NewGuid():N}"[..12];
        await _page.GetByRole(AriaRole.Link, new() { Name = "Accounts", Exact = true }).ClickAsync();
        await _page.FillAsync("#create-account input[name=name]", name);
        await _page.ClickAsync("#create-account button[type=submit]");
        await Expect(_page.GetByRole(AriaRole.Status)).ToHaveTextAsync($"Account {name} created. Create a key for it below.");

        var row = _page.Locator($"tr[data-account='{name}']");
        await row.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();
        var key = await _page.Locator("#new-key-value").TextContentAsync();
        Assert.False(string.IsNullOrWhiteSpace(key));
        using var client = cluster.Client(key);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/v1/jobs", UriKind.Relative), Cancel)).StatusCode);
        await ScreenshotAsync("admin-accounts");

        // Shown once: the page as loaded again holds no key.
        await _page.GotoAsync("/admin/accounts");
        await Expect(_page.Locator("#new-key-value")).ToHaveCountAsync(0);
        Assert.DoesNotContain(key!, await _page.ContentAsync(), StringComparison.Ordinal);

        await row.GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        await Expect(_page.GetByRole(AriaRole.Status)).ToContainTextAsync("is revoked");
        await Expect(row.Locator(".state.revoked")).ToHaveCountAsync(1);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync(new Uri("/v1/jobs", UriKind.Relative), Cancel)).StatusCode);

        // A mistake is shown on the page.
        await _page.FillAsync("#create-account input[name=name]", name);
        await _page.ClickAsync("#create-account button[type=submit]");
        await Expect(_page.GetByRole(AriaRole.Alert)).ToHaveTextAsync($"Account {name} was not created: account {name} already exists");
    }

    [Fact]
    public async Task AnAccountsLimitsAreSetFromTheAccountsPageWhichShowsThemWithItsDataAndARefusedValueWithItsReason()
    {
        var name = $"web-{Guid.NewGuid():N}"[..12];
        (await cluster.Admin.PostAsJsonAsync("/v1/accounts", new CreateAccountRequest(name, null), ApiJson.Options, Cancel)).EnsureSuccessStatusCode();
        (await cluster.Admin.PutAsJsonAsync($"/v1/accounts/{name}/data-quota", new DataQuotaRequest(5), ApiJson.Options, Cancel)).EnsureSuccessStatusCode();
        var created = await cluster.Admin.PostAsync(new Uri($"/v1/accounts/{name}/keys", UriKind.Relative), null, Cancel);
        using var client = cluster.Client((await created.Content.ReadFromJsonAsync<KeyCreatedView>(ApiJson.Options, Cancel))!.Key);
        using var collection = new StringContent("{\"name\": \"renders\"}", System.Text.Encoding.UTF8, "application/json");
        (await client.PostAsync(new Uri($"/v1/data/{name}", UriKind.Relative), collection, Cancel)).EnsureSuccessStatusCode();
        (await client.PutAsync(new Uri($"/v1/data/{name}/renders/frame.bin", UriKind.Relative), new ByteArrayContent(new byte[2048]), Cancel)).EnsureSuccessStatusCode();

        await _page.GotoAsync("/admin/accounts");
        var row = _page.Locator($"tr[data-account='{name}']");
        await Expect(row.Locator(".slots")).ToHaveTextAsync("0 / no limit");
        await Expect(row.Locator(".data")).ToHaveTextAsync("2.0 KiB / 5 MiB");

        await _page.SelectOptionAsync("#set-limits select[name=account]", name);
        await _page.FillAsync("#set-limits input[name=max_slots]", "4");
        await _page.FillAsync("#set-limits input[name=max_instances]", "2");
        await _page.FillAsync("#set-limits input[name=shares]", "3");
        await _page.ClickAsync("#set-limits button[type=submit]");
        await Expect(_page.GetByRole(AriaRole.Status)).ToHaveTextAsync($"The limits of {name} are changed; nothing running is stopped by a lower limit.");
        await Expect(row.Locator(".slots")).ToHaveTextAsync("0 / 4");
        await Expect(row.Locator(".instances")).ToHaveTextAsync("0 / 2");
        await Expect(row.Locator(".shares")).ToHaveTextAsync("3");
        var stored = (await cluster.Admin.GetFromJsonAsync<AccountSettingsView>($"/v1/accounts/{name}", ApiJson.Options, Cancel))!;
        Assert.Equal((4, 2, 3), (stored.MaxSlots, stored.MaxInstances, stored.Shares));
        await ScreenshotAsync("admin-accounts-limits");

        // A refused value is shown with its reason, and nothing changes.
        await _page.SelectOptionAsync("#set-limits select[name=account]", name);
        await _page.FillAsync("#set-limits input[name=max_slots]", "-1");
        await _page.FillAsync("#set-limits input[name=shares]", "-2");
        var refused = await _page.RunAndWaitForResponseAsync(() => _page.ClickAsync("#set-limits button[type=submit]"), r => r.Request.Method == "POST");
        Assert.Equal((int)HttpStatusCode.BadRequest, refused.Status);
        await Expect(_page.GetByRole(AriaRole.Alert)).ToContainTextAsync($"The limits of {name} were not changed: account {name}: shares -2 is not allowed");
        await Expect(row.Locator(".slots")).ToHaveTextAsync("0 / 4");
        await ScreenshotAsync("admin-accounts-limits-refused");

        await _page.SelectOptionAsync("#set-limits select[name=account]", name);
        await _page.FillAsync("#set-limits input[name=max_instances]", "two");
        await _page.ClickAsync("#set-limits button[type=submit]");
        await Expect(_page.GetByRole(AriaRole.Alert)).ToHaveTextAsync($"The limits of {name} were not changed: max_instances \"two\" is not a whole number");
    }

    [Fact]
    public async Task AWorkerIsLockedAndUnlockedFromItsPage()
    {
        var workers = (await cluster.Admin.GetFromJsonAsync<WorkerListView>("/v1/workers", ApiJson.Options, Cancel))!.Workers;
        var worker = workers[^1].Name;
        await _page.Locator($"tr[data-worker='{worker}'] a").First.ClickAsync();
        await Expect(_page).ToHaveURLAsync(new Regex($"/admin/workers/{worker}$"));
        await Expect(_page.Locator("#worker-state")).ToHaveTextAsync("up");
        await Expect(_page.Locator("tr[data-resource='host.processors']")).ToContainTextAsync("16");

        await _page.ClickAsync("#lock-worker");
        try
        {
            await Expect(_page.GetByRole(AriaRole.Status)).ToHaveTextAsync($"Worker {worker} is locked: it takes no new work, and what runs there finishes.");
            await Expect(_page.Locator("#worker-locked")).ToHaveTextAsync("locked");
            Assert.True((await cluster.Admin.GetFromJsonAsync<WorkerListView>("/v1/workers", ApiJson.Options, Cancel))!.Workers.Single(w => w.Name == worker).Locked);
            await ScreenshotAsync("admin-worker");
        }
        finally
        {
            await _page.ClickAsync("#unlock-worker");
        }

        await Expect(_page.GetByRole(AriaRole.Status)).ToContainTextAsync("is unlocked");
        Assert.False((await cluster.Admin.GetFromJsonAsync<WorkerListView>("/v1/workers", ApiJson.Options, Cancel))!.Workers.Single(w => w.Name == worker).Locked);
    }

    [Fact]
    public async Task TheClusterPageGivesAPendingJobsReasonAndSigningOutSendsBackToSignIn()
    {
        var id = await SubmitAsync(cluster.Admin, "web-too-big", "sh", "-c", "exit 0");
        var big = await cluster.Admin.PostAsJsonAsync("/v1/jobs", new SubmitJobRequest(["true"], "web-needs-64", "host.processors=64"), ApiJson.Options, Cancel);
        var waiting = (await big.Content.ReadFromJsonAsync<SubmitJobResponse>(ApiJson.Options, Cancel))!.Id;
        try
        {
            await _page.ReloadAsync();
            await Expect(_page.Locator($"tr[data-job='{waiting}'] .pending-reason")).ToContainTextAsync("host.processors=64");
            await ScreenshotAsync("admin-cluster");
        }
        finally
        {
            await cluster.Admin.PostAsync(new Uri($"/v1/jobs/{waiting}/kill", UriKind.Relative), null, Cancel);
        }

        await _page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(_page).ToHaveURLAsync(new Regex("/admin/login$"));
        foreach (var path in new[] { "/admin/jobs", $"/admin/jobs/{id}", "/admin/instances", "/admin/algorithms", "/admin/accounts" })
        {
            await _page.GotoAsync(path);
            await Expect(_page).ToHaveURLAsync(new Regex("/admin/login"));
        }

        var forged = await _context.APIRequest.PostAsync($"/admin/jobs/{id}/kill", new() { MaxRedirects = 0 });
        Assert.InRange(forged.Status, 300, 499);
    }
}
