using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;
using Hearth.Protocol.Rest;
using Hearth.Reservations.Tests.EndToEnd;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Hearth.Reservations.Tests.Browser;

/// <summary>Changing a reservation's count from its row's action menu: the dialog, its field messages, live status, no script.</summary>
public sealed partial class ReservationPageTests
{
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
