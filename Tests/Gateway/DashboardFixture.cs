using Microsoft.Playwright;
using VideoAnalytics.Tests.Inference.OpenCv;
using VideoAnalytics.Tests.Support;

namespace VideoAnalytics.Tests.Gateway;

/// <summary>
/// The real gateway (all-in-one, own process, free loopback port) with the tiny test model installed as the default
/// <c>refinedet-lite-320</c> (it finds a class <c>b</c> box at score 0.8 in every frame) and the demo camera playing a
/// generated H.264 clip; plus Debian's Chromium driven by Playwright, headless, with a fresh profile
/// (<see cref="DashboardBrowser"/>). Anything that cannot start fails the tests.
/// </summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"va-dashboard-{Guid.NewGuid():N}");
    public const string ApiKey = "dashboard-test-key";

    private ServiceProcess? _gateway;
    private ServiceProcess? _keyedGateway;
    private IPlaywright? _playwright;
    private IBrowserContext? _browser;

    public ServiceProcess Gateway => _gateway ?? throw new InvalidOperationException("fixture not started");

    /// <summary>A second gateway that demands the admin key <see cref="ApiKey"/>.</summary>
    public ServiceProcess KeyedGateway => _keyedGateway ?? throw new InvalidOperationException("fixture not started");

    public IBrowserContext Browser => _browser ?? throw new InvalidOperationException("fixture not started");

    /// <summary>The demo clip; also a valid URL for cameras added in tests (it lies under the media root).</summary>
    public string Clip => Path.Combine(_root, "media", "clip.mp4");

    /// <summary>A uniformly grey clip under the media root: on its picture every coloured pixel is a drawn box.</summary>
    public string GreyClip => Path.Combine(_root, "media", "grey.mp4");

    /// <summary>A 320x240 JPEG, for tests that stand in for the picture routes.</summary>
    public string Picture => Path.Combine(_root, "media", "picture.jpg");

    public async Task InitializeAsync()
    {
        var models = Directory.CreateDirectory(Path.Combine(_root, "models")).FullName;
        var data = Directory.CreateDirectory(Path.Combine(_root, "data")).FullName;
        var media = Directory.CreateDirectory(Path.Combine(_root, "media")).FullName;
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Data", "tiny-raw.onnx"), Path.Combine(models, "refinedet-lite-320.onnx"));
        MediaFixture.Ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=10", "-t", "4", "-c:v", "libx264",
            "-preset", "ultrafast", "-pix_fmt", "yuv420p", Clip);
        MediaFixture.Ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x240", "-frames:v", "1", Picture);
        MediaFixture.Ffmpeg("-f", "lavfi", "-i", "color=c=0x808080:size=320x240:rate=10", "-t", "4", "-c:v", "libx264",
            "-preset", "ultrafast", "-pix_fmt", "yuv420p", GreyClip);

        // The browser starts while the gateways do; whichever fails, nothing is left running.
        var browserStart = StartBrowserAsync(Directory.CreateDirectory(Path.Combine(_root, "chromium-profile")).FullName);
        var gatewayStart = ServiceProcess.StartAsync("Gateway", Settings(models, data, media), _root);
        var keyedData = Directory.CreateDirectory(Path.Combine(_root, "data-keyed")).FullName;
        var keyedGatewayStart = ServiceProcess.StartAsync("Gateway", new Dictionary<string, string>(Settings(models, keyedData, media))
        {
            ["Security:ApiKeys:0:Key"] = ApiKey,
            ["Security:ApiKeys:0:Role"] = "admin",
        }, _root);
        try
        {
            await Task.WhenAll(browserStart, gatewayStart, keyedGatewayStart);
        }
        catch
        {
            foreach (var started in new[] { gatewayStart, keyedGatewayStart })
            {
                if (started.IsCompletedSuccessfully)
                {
                    await started.Result.DisposeAsync();
                }
            }

            if (browserStart.IsCompletedSuccessfully)
            {
                await browserStart.Result.CloseAsync();
            }

            _playwright?.Dispose();
            throw;
        }

        _gateway = gatewayStart.Result;
        _keyedGateway = keyedGatewayStart.Result;
        _browser = browserStart.Result;
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        if (_keyedGateway is not null)
        {
            await _keyedGateway.DisposeAsync();
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

    private Dictionary<string, string> Settings(string models, string data, string media) => new()
    {
        ["Inference:ModelsDirectory"] = models,
        ["Inference:IntraOpThreads"] = "1",
        ["Registry:DataDirectory"] = data,
        ["Cameras:MediaRoots:0"] = media,
        ["Demo:Enabled"] = "true",
        ["Demo:Url"] = Clip,
        ["Demo:Fps"] = "10",
    };

    private async Task<IBrowserContext> StartBrowserAsync(string profile)
    {
        (_playwright, var context) = await DashboardBrowser.LaunchAsync(profile);
        return context;
    }
}
