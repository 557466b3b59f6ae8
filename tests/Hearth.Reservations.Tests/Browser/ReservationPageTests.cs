using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;
using Hearth.Protocol.Rest;
using Hearth.Reservations.Tests.EndToEnd;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Hearth.Reservations.Tests.Browser;

/// <summary>The admin page in Debian's Chromium against a real cluster: sign-in, the Add Reservation modal, live status, the action menu and changing a count.</summary>
[Collection(ReservationClusterGroup.Name)]
public sealed partial class ReservationPageTests(ReservationCluster cluster, Chromium chromium) : IClassFixture<Chromium>, IAsyncLifetime
{
    private static readonly LocatorAssertionsToHaveTextOptions Live = new() { Timeout = 60_000 };

    private IBrowserContext _context = null!;
    private IPage _page = null!;

    public async ValueTask InitializeAsync()
    {
        _context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = cluster.Url.ToString(), ViewportSize = new() { Width = 1280, Height = 800 } });
        _page = await _context.NewPageAsync();
        _page.SetDefaultTimeout(15_000);
    }

    public async ValueTask DisposeAsync() => await _context.CloseAsync();

    [GeneratedRegex(@"added=(\d+)")]
    private static partial Regex AddedId();

    private async Task SignInAsync(string key)
    {
        await _page.GotoAsync("/admin/reservations");
        await Expect(_page).ToHaveURLAsync(new Regex("/admin/login"));
        await _page.FillAsync("#key", key);
        await _page.ClickAsync("button[type=submit]");
    }

    private async Task<long> AddThroughTheModalAsync(string user, string algorithm, string versionType, string count)
    {
        await _page.GetByRole(AriaRole.Button, new() { Name = "Add Reservation" }).ClickAsync();
        var dialog = _page.Locator("dialog#add-dialog");
        await Expect(dialog).ToBeVisibleAsync();
        await dialog.GetByLabel("Calling user").FillAsync(user);
        await dialog.GetByLabel("Algorithm").FillAsync(algorithm);
        await dialog.GetByLabel("Version type").SelectOptionAsync(versionType);
        await dialog.GetByLabel("Count").FillAsync(count);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Add", Exact = true }).ClickAsync();
        await Expect(_page).ToHaveURLAsync(AddedId());
        return long.Parse(AddedId().Match(_page.Url).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task TheAdminSignsInAddsAReservationThroughTheModalAndWatchesItGoFromStartingToReady()
    {
        using var erin = await cluster.UserAsync("page-erin");
        await cluster.PublishAsync("page-erin/model", Algorithms.Echo(cluster.WorkDirectory, "v1", loadSeconds: 3), "1.0.0");

        await SignInAsync(cluster.AdminKey);
        await Expect(_page).ToHaveURLAsync(new Regex("/admin/reservations$"));
        await Expect(_page.Locator("header nav a.current")).ToHaveTextAsync("Reservations");
        await Expect(_page.Locator("header nav")).ToContainTextAsync("Cluster");

        var id = await AddThroughTheModalAsync("page-erin", "page-erin/model", "latest_public", "2");
        await using var cleanup = cluster.Removing(id);
        await Expect(_page.GetByRole(AriaRole.Status)).ToContainTextAsync($"Reservation {id} added");
        var row = _page.Locator($"tr[data-reservation='{id}']");
        await Expect(row.Locator(".calling-user")).ToHaveTextAsync("page-erin");
        await Expect(row.Locator(".algorithm")).ToHaveTextAsync("page-erin/model");
        await Expect(row.Locator(".version-type")).ToHaveTextAsync("latest_public");
        await Expect(row.Locator(".reserved-count")).ToHaveTextAsync("2");

        // The model takes 3 s to load, so the page shows it pending first; the live refresh brings it to ready.
        await Expect(row.Locator(".state")).ToHaveTextAsync("pending", Live);
        await Expect(row.Locator(".reason")).ToContainTextAsync(new Regex("starting|waiting for the scheduler"));
        await Expect(row.Locator(".state")).ToHaveTextAsync("ready", Live);
        await Expect(row.Locator(".counts")).ToHaveTextAsync("2 of 2 ready, 0 starting");
        await Expect(row.Locator(".reason")).ToHaveTextAsync(new Regex(@"^2 warm on 1\.0\.0 \([0-9a-f]{7}\)$"));

        var screenshot = await _page.ScreenshotAsync(new PageScreenshotOptions { FullPage = true });
        var directory = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots")).FullName;
        await File.WriteAllBytesAsync(Path.Combine(directory, "admin-reservations.png"), screenshot, TestContext.Current.CancellationToken);
        TestContext.Current.AddAttachment("admin-reservations.png", screenshot, "image/png");

        Assert.Equal(ReservationStates.Ready, (await cluster.ReservationAsync(id)).Status.State);
    }

    [Fact]
    public async Task ABadVersionIsShownBesideTheAlgorithmFieldAndNothingIsAdded()
    {
        using var frank = await cluster.UserAsync("page-frank");
        await SignInAsync(cluster.AdminKey);
        var before = (await cluster.Admin.GetStringAsync("/v1/admin/reservations", TestContext.Current.CancellationToken)).Length;

        await _page.GetByRole(AriaRole.Button, new() { Name = "Add Reservation" }).ClickAsync();
        var dialog = _page.Locator("dialog#add-dialog");
        await dialog.GetByLabel("Calling user").FillAsync("page-frank");
        await dialog.GetByLabel("Algorithm").FillAsync("page-frank/model/1.2");
        await dialog.GetByLabel("Version type").SelectOptionAsync("semver");
        await dialog.GetByLabel("Count").FillAsync("0");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Add", Exact = true }).ClickAsync();

        await Expect(dialog).ToBeVisibleAsync();
        await Expect(dialog.Locator("#algorithm-error")).ToHaveTextAsync(
            "algorithm \"page-frank/model/1.2\": version_type semver needs X.Y.Z, and version \"1.2\" must be MAJOR.MINOR.PATCH, three numbers, e.g. 1.0.0");
        await Expect(dialog.Locator("#count-error")).ToHaveTextAsync("count is 0; a reservation keeps at least 1 instance warm");
        await Expect(dialog.Locator("#calling_user-error")).ToHaveTextAsync("");
        await Expect(dialog.GetByLabel("Algorithm")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(dialog.GetByLabel("Calling user")).ToHaveValueAsync("page-frank");
        await Expect(dialog.GetByLabel("Version type")).ToHaveValueAsync("semver");
        Assert.Equal(before, (await cluster.Admin.GetStringAsync("/v1/admin/reservations", TestContext.Current.CancellationToken)).Length);

        await dialog.GetByLabel("Algorithm").FillAsync("page-frank/model/1.2.0");
        await dialog.GetByLabel("Count").FillAsync("1");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Add", Exact = true }).ClickAsync();
        await Expect(dialog.Locator("#algorithm-error")).ToHaveTextAsync("algorithm page-frank/model does not exist");
    }

    [Fact]
    public async Task AReservationIsRemovedThroughItsRowsActionMenu()
    {
        using var gina = await cluster.UserAsync("page-gina");
        await cluster.PublishAsync("page-gina/echo", Algorithms.Echo(cluster.WorkDirectory, "v1"), "1.0.0");
        await SignInAsync(cluster.AdminKey);
        var id = await AddThroughTheModalAsync("page-gina", "page-gina/echo", "latest_public", "1");
        await using var cleanup = cluster.Removing(id);
        var row = _page.Locator($"tr[data-reservation='{id}']");
        await Expect(row.Locator(".state")).ToHaveTextAsync("ready", Live);

        // A signed-in admin's browser still needs the page's antiforgery token: a forged post changes nothing.
        var forged = await _context.APIRequest.PostAsync($"/admin/reservations/{id}/remove", new() { MaxRedirects = 0 });
        Assert.Equal(400, forged.Status);
        Assert.Equal(id, (await cluster.ReservationAsync(id)).Id);

        await row.GetByLabel($"Actions for reservation {id}").ClickAsync();
        var remove = row.GetByRole(AriaRole.Menuitem, new() { Name = "Remove reservation" });
        await Expect(remove).ToBeVisibleAsync();
        await remove.ClickAsync();

        await Expect(_page.GetByRole(AriaRole.Status)).ToContainTextAsync($"Reservation {id} removed");
        await Expect(row).ToHaveCountAsync(0);
        await cluster.WaitUntilAsync("its instance to be an ordinary one", async () =>
            (await cluster.InstancesAsync("page-gina")).All(i => !i.Reserved), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task ThePageIsRefusedToAnyoneWithoutTheAdminKey()
    {
        using var henry = await cluster.UserAsync("page-henry");
        var accountKey = henry.DefaultRequestHeaders.Authorization!.Parameter!;

        await SignInAsync(accountKey);
        await Expect(_page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("That is not a valid admin key.");
        await _page.GotoAsync("/admin/reservations");
        await Expect(_page).ToHaveURLAsync(new Regex("/admin/login"));

        var live = await _context.APIRequest.GetAsync("/admin/reservations/live", new() { MaxRedirects = 0 });
        Assert.Equal(302, live.Status);
        var count = await _context.APIRequest.GetAsync("/admin/reservations/1/count", new() { MaxRedirects = 0 });
        Assert.Equal(302, count.Status);
        foreach (var action in new[] { "remove", "count" })
        {
            var post = await _context.APIRequest.PostAsync($"/admin/reservations/1/{action}", new() { MaxRedirects = 0 });
            Assert.NotEqual(303, post.Status);
            Assert.InRange(post.Status, 300, 499);
        }
    }

    private static async Task<ILocator> OpenChangeCountAsync(IPage page, long id)
    {
        var row = page.Locator($"tr[data-reservation='{id}']");
        await row.GetByLabel($"Actions for reservation {id}").ClickAsync();
        var item = row.GetByRole(AriaRole.Menuitem, new() { Name = "Change count" });
        await Expect(item).ToBeVisibleAsync();
        await item.ClickAsync();
        var dialog = page.Locator("dialog#count-dialog");
        await Expect(dialog).ToBeVisibleAsync();
        return dialog;
    }

    private static Task SaveAsync(ILocator dialog) => dialog.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();

    [Fact]
    public async Task TheAdminChangesACountFromOneToTwoThroughTheRowsMenuAndWatchesItBecomeReadyWithTwo()
    {
        using var ivy = await cluster.UserAsync("page-ivy");
        await cluster.PublishAsync("page-ivy/model", Algorithms.Echo(cluster.WorkDirectory, "v1", loadSeconds: 3), "1.0.0");
        await SignInAsync(cluster.AdminKey);
        var id = await AddThroughTheModalAsync("page-ivy", "page-ivy/model", "latest_public", "1");
        await using var cleanup = cluster.Removing(id);
        var row = _page.Locator($"tr[data-reservation='{id}']");
        await Expect(row.Locator(".counts")).ToHaveTextAsync("1 of 1 ready, 0 starting", Live);

        // The signed-in browser still needs the page's antiforgery token: a forged post changes nothing.
        var forged = await _context.APIRequest.PostAsync($"/admin/reservations/{id}/count", new() { Form = _context.APIRequest.CreateFormData().Set("count", "5"), MaxRedirects = 0 });
        Assert.Equal(400, forged.Status);
        Assert.Equal(1, (await cluster.ReservationAsync(id)).Count);

        var dialog = await OpenChangeCountAsync(_page, id);
        var count = dialog.GetByLabel("Count");
        await Expect(dialog.Locator("#count-target")).ToHaveTextAsync($"Reservation {id}: page-ivy/model (latest_public) for page-ivy.");
        await Expect(count).ToHaveValueAsync("1");
        await Expect(count).ToBeFocusedAsync();

        // Escape closes it, as it closes the Add dialog, and changes nothing.
        await _page.Keyboard.PressAsync("Escape");
        await Expect(dialog).ToBeHiddenAsync();
        Assert.Equal(1, (await cluster.ReservationAsync(id)).Count);

        dialog = await OpenChangeCountAsync(_page, id);
        await count.FillAsync("0");
        await SaveAsync(dialog);
        await Expect(dialog).ToBeVisibleAsync();
        await Expect(dialog.Locator("#new_count-error")).ToHaveTextAsync("count is 0; a reservation keeps at least 1 instance warm");
        await Expect(dialog.Locator("#count-refused")).ToBeVisibleAsync();
        await Expect(count).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(count).ToHaveValueAsync("0");

        await count.FillAsync("abc");
        await SaveAsync(dialog);
        await Expect(dialog).ToBeVisibleAsync();
        await Expect(dialog.Locator("#new_count-error")).ToHaveTextAsync("count \"abc\" is not an integer; give a positive whole number such as 1");
        await Expect(count).ToHaveValueAsync("abc");
        Assert.Equal(1, (await cluster.ReservationAsync(id)).Count);
        var screenshot = await _page.ScreenshotAsync();
        var directory = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots")).FullName;
        await File.WriteAllBytesAsync(Path.Combine(directory, "change-count-refused.png"), screenshot, TestContext.Current.CancellationToken);
        TestContext.Current.AddAttachment("change-count-refused.png", screenshot, "image/png");

        await count.FillAsync("2");
        await SaveAsync(dialog);
        await Expect(_page).ToHaveURLAsync(new Regex($"changed={id}"));
        await Expect(dialog).ToBeHiddenAsync();
        await Expect(_page.GetByRole(AriaRole.Status)).ToContainTextAsync($"Reservation {id}'s count is now 2.");
        await Expect(row.Locator(".reserved-count")).ToHaveTextAsync("2");

        // The second instance takes 3 s to load: the row shows it starting, then the live refresh shows both ready.
        await Expect(row.Locator(".state")).ToHaveTextAsync("pending", Live);
        await Expect(row.Locator(".state")).ToHaveTextAsync("ready", Live);
        await Expect(row.Locator(".counts")).ToHaveTextAsync("2 of 2 ready, 0 starting");
        await Expect(row.Locator(".reason")).ToHaveTextAsync(new Regex(@"^2 warm on 1\.0\.0 \([0-9a-f]{7}\)$"));
        var view = await cluster.ReservationAsync(id);
        Assert.Equal((2, 2, 2, ReservationStates.Ready), (view.Count, view.Status.Desired, view.Status.Ready, view.Status.State));
    }

    [Fact]
    public async Task WithoutJavaScriptTheMenuLinkOpensTheDialogAndARemovalMeanwhileIsReportedNotAnError()
    {
        using var jack = await cluster.UserAsync("page-jack");
        await cluster.PublishAsync("page-jack/echo", Algorithms.Echo(cluster.WorkDirectory, "v1"), "1.0.0");
        using var body = new StringContent(
            """{"calling_user": "page-jack", "algorithm": "page-jack/echo", "version_type": "latest_public", "count": 1}""", Encoding.UTF8, "application/json");
        var created = await cluster.Admin.PostAsync(new Uri("/v1/admin/reservations", UriKind.Relative), body, TestContext.Current.CancellationToken);
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var id = (await created.Content.ReadFromJsonAsync<ReservationView>(ApiJson.Options, TestContext.Current.CancellationToken))!.Id;
        await using var cleanup = cluster.Removing(id);

        var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = cluster.Url.ToString(), JavaScriptEnabled = false });
        try
        {
            var page = await context.NewPageAsync();
            page.SetDefaultTimeout(15_000);
            await page.GotoAsync("/admin/reservations");
            await page.FillAsync("#key", cluster.AdminKey);
            await page.ClickAsync("button[type=submit]");
            await Expect(page).ToHaveURLAsync(new Regex("/admin/reservations$"));

            var dialog = await OpenChangeCountAsync(page, id);
            await Expect(page).ToHaveURLAsync(new Regex($"/admin/reservations/{id}/count$"));
            var count = dialog.GetByLabel("Count");
            await Expect(count).ToHaveValueAsync("1");
            await count.FillAsync("abc");
            await SaveAsync(dialog);
            await Expect(dialog.Locator("#new_count-error")).ToHaveTextAsync("count \"abc\" is not an integer; give a positive whole number such as 1");

            await count.FillAsync("3");
            await SaveAsync(dialog);
            await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"Reservation {id}'s count is now 3.");
            await Expect(page.Locator($"tr[data-reservation='{id}'] .reserved-count")).ToHaveTextAsync("3");
            Assert.Equal(3, (await cluster.ReservationAsync(id)).Count);

            // Another admin removes it while this one has the dialog open.
            dialog = await OpenChangeCountAsync(page, id);
            await count.FillAsync("4");
            var removed = await cluster.Admin.DeleteAsync(new Uri($"/v1/admin/reservations/{id}", UriKind.Relative), TestContext.Current.CancellationToken);
            Assert.True(removed.IsSuccessStatusCode);
            var response = await page.RunAndWaitForResponseAsync(() => SaveAsync(dialog),
                r => r.Request.Method == "POST" && r.Url.EndsWith($"/admin/reservations/{id}/count", StringComparison.Ordinal));
            Assert.Equal(404, response.Status);
            await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync(
                $"Reservation {id} was not found; it may have been removed, so its count was not changed.");
            await Expect(dialog).ToBeHiddenAsync();
            await Expect(page.Locator($"tr[data-reservation='{id}']")).ToHaveCountAsync(0);
        }
        finally
        {
            await context.CloseAsync();
        }
    }
}
