using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using VideoAnalytics.Tests.Models;
using VideoAnalytics.Tests.Support;

namespace VideoAnalytics.Tests.Gateway;

/// <summary>
/// The dashboard with objects that move: a gateway process (all-in-one, no API keys) whose demo camera plays the
/// shipped demo video with the shipped model at a modest 5 fps, as <see cref="SceneEventsFixture"/> does for the
/// events API, so a line drawn down the middle of the picture is crossed and a zone over it is entered and left; plus
/// Debian's Chromium (<see cref="DashboardBrowser"/>). <see cref="DashboardFixture"/>'s tiny model finds static boxes,
/// which never cross anything. Ready once the demo camera streams.
/// </summary>
public sealed class SceneDashboardFixture : IAsyncLifetime
{
    public const string CameraId = "demo";

    private readonly string _root = Directory.CreateTempSubdirectory("va-scene-dashboard-").FullName;
    private ServiceProcess? _gateway;
    private IPlaywright? _playwright;
    private IBrowserContext? _browser;

    public ServiceProcess Gateway => _gateway ?? throw new InvalidOperationException("fixture not started");

    public IBrowserContext Browser => _browser ?? throw new InvalidOperationException("fixture not started");

    public async Task InitializeAsync()
    {
        var settings = new Dictionary<string, string>
        {
            ["Inference:ModelsDirectory"] = ShippedModel.RepoFile("models"),
            ["Inference:IntraOpThreads"] = "1",
            ["Registry:DataDirectory"] = Directory.CreateDirectory(Path.Combine(_root, "data")).FullName,
            ["Cameras:MediaRoots:0"] = ShippedModel.RepoFile("models"),
            ["Streams:EmbeddedHistoryCap"] = "20000", // the events the page and the tests compare stay in history
            ["Demo:Enabled"] = "true",
            ["Demo:CameraId"] = CameraId,
            ["Demo:Url"] = ShippedModel.RepoFile("models/demo.mp4"),
            ["Demo:Fps"] = "5",
        };

        // The browser starts while the gateway does; whichever fails, nothing is left running.
        var browserStart = DashboardBrowser.LaunchAsync(Directory.CreateDirectory(Path.Combine(_root, "chromium-profile")).FullName);
        var gatewayStart = ServiceProcess.StartAsync("Gateway", settings, _root);
        try
        {
            await Task.WhenAll(browserStart, gatewayStart);
            _gateway = gatewayStart.Result;
            (_playwright, _browser) = browserStart.Result;
            await Eventually.UntilAsync(
                () => _gateway.Client.GetFromJsonAsync<JsonElement>($"/api/cameras/{CameraId}"),
                camera => camera.GetProperty("state").GetString() == "streaming",
                TimeSpan.FromSeconds(120),
                $"the demo camera streams (service output: {_gateway.Output})");
        }
        catch
        {
            // Whatever started is stopped (DisposeAsync may run again after this: it is idempotent).
            if (_gateway is null && gatewayStart.IsCompletedSuccessfully)
            {
                _gateway = gatewayStart.Result;
            }

            if (_browser is null && browserStart.IsCompletedSuccessfully)
            {
                (_playwright, _browser) = browserStart.Result;
            }

            await DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
            _browser = null;
        }

        _playwright?.Dispose();
        _playwright = null;
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
            _gateway = null;
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // Temp clean-up only.
        }
    }
}
