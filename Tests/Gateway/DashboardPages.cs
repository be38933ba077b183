using Microsoft.Playwright;

namespace VideoAnalytics.Tests.Gateway;

/// <summary>
/// The pages one dashboard test opens in its fixture's browser profile, each reporting uncaught script errors (any one
/// means the page is broken), all closed when the test ends however it ended. The tests of a class share the profile,
/// whose six connections per host a page left open by a failed test (its MJPEG and event streams) would hold,
/// starving the next test's requests.
/// </summary>
internal sealed class DashboardPages(IBrowserContext browser)
{
    private readonly List<IPage> _pages = [];

    /// <summary>A new page; its uncaught script errors go to <paramref name="errors"/>.</summary>
    public async Task<IPage> NewAsync(List<string> errors)
    {
        var page = await browser.NewPageAsync();
        _pages.Add(page);
        page.PageError += (_, error) =>
        {
            lock (errors)
            {
                errors.Add(error);
            }
        };
        return page;
    }

    public async Task CloseAllAsync()
    {
        foreach (var page in _pages)
        {
            if (!page.IsClosed)
            {
                await page.CloseAsync();
            }
        }
    }
}
