namespace Hearth.Reservations.Tests.Browser;

public sealed class ChromiumSmokeTests(Chromium chromium) : IClassFixture<Chromium>
{
    [Fact]
    public async Task ChromiumRendersAPage()
    {
        var page = await chromium.Browser.NewPageAsync();
        await page.SetContentAsync("<h1>hello</h1>");
        Assert.Equal("hello", await page.InnerTextAsync("h1"));
    }
}
