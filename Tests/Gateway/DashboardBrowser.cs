using Microsoft.Playwright;

namespace VideoAnalytics.Tests.Gateway;

/// <summary>
/// Debian's Chromium driven by Playwright, headless, with a fresh profile, as the dashboard fixtures use it. Playwright
/// never downloads a browser here: it launches <see cref="ChromiumPath"/>, and a missing or broken one fails the tests.
/// </summary>
public static class DashboardBrowser
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync",
    ];

    /// <summary>Starts Playwright and Chromium on <paramref name="profile"/>; the caller disposes both.</summary>
    public static async Task<(IPlaywright Playwright, IBrowserContext Browser)> LaunchAsync(string profile)
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"Chromium is not installed at {ChromiumPath}: run deploy/setup/install-packages.sh (apt package 'chromium').");
        }

        IPlaywright? playwright = null;
        try
        {
            playwright = await Playwright.CreateAsync();
            var context = await playwright.Chromium.LaunchPersistentContextAsync(profile, new BrowserTypeLaunchPersistentContextOptions
            {
                ExecutablePath = ChromiumPath,
                Headless = true,
                Args = ChromiumArgs,
                ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
                Timeout = 30_000,
            });
            context.SetDefaultTimeout(20_000);
            return (playwright, context);
        }
        catch (Exception e) when (e is PlaywrightException or IOException or System.ComponentModel.Win32Exception)
        {
            playwright?.Dispose();
            throw new InvalidOperationException($"Playwright could not start Chromium ({ChromiumPath}): {e.Message}", e);
        }
    }
}
