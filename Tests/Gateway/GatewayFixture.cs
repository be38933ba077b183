using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using VideoAnalytics.Tests.Inference;
using VideoAnalytics.Tests.Inference.OpenCv;
using VideoAnalytics.Tests.Support;

namespace VideoAnalytics.Tests.Gateway;

/// <summary>
/// One real gateway (all-in-one) for the gateway contract tests: the tiny test model as the default model, a
/// 320x240 grey looping clip as camera <see cref="CameraId"/>, API keys for both roles, a small subscriber buffer and
/// a 1 MB body limit. Starting fails loudly (ffmpeg missing, process exits, camera never produces frames).
/// </summary>
public sealed class GatewayFixture : IAsyncLifetime
{
    public const string CameraId = "cam1";
    public const string AdminKey = "admin-key-0123456789";
    public const string ViewerKey = "viewer-key-0123456789";
    public const int BufferFrames = 16;
    public const long MaxBodyBytes = 1_000_000;

    /// <summary>The history keeps this many frames of a camera (a few seconds of the 25 fps clip), so retention can be seen.</summary>
    public const int HistoryCap = 200;

    private ServiceProcess? _service;

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "va-gateway-tests-" + Guid.NewGuid().ToString("N"));

    public string MediaDirectory => Path.Combine(Root, "media");

    public string Clip => Path.Combine(MediaDirectory, "clip.mp4");

    public ServiceProcess Service => _service ?? throw new InvalidOperationException("the gateway did not start");

    public Uri BaseAddress => Service.BaseAddress;

    /// <summary>Sends the admin key as X-Api-Key.</summary>
    public HttpClient Admin { get; private set; } = null!;

    /// <summary>Sends the viewer key as a Bearer token.</summary>
    public HttpClient Viewer { get; private set; } = null!;

    /// <summary>Sends no key.</summary>
    public HttpClient Anonymous { get; private set; } = null!;

    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);

    public async Task InitializeAsync()
    {
        Prepare(Root);
        _service = await ServiceProcess.StartAsync("Gateway", Settings(Root), Root);
        Admin = Client(c => c.DefaultRequestHeaders.Add("X-Api-Key", AdminKey));
        Viewer = Client(c => c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ViewerKey));
        Anonymous = Client(_ => { });

        using var created = await Admin.PostAsJsonAsync("/api/cameras", new { id = CameraId, url = Clip, fps = 25, minScore = 0.0 });
        Assert.True(created.IsSuccessStatusCode, $"registering {CameraId}: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync()}\n{Service.Output}");
        await Eventually.UntilAsync(
            async () => (await Viewer.GetFromJsonAsync<JsonElement>($"/api/cameras/{CameraId}")).GetProperty("framesProcessed").GetInt64(),
            processed => processed >= 5,
            TimeSpan.FromSeconds(60),
            $"camera {CameraId} produces frames (service output: {Service.Output})");
    }

    /// <summary>Lays out models/ (the tiny model as the default model, and tiny-fused) and media/clip.mp4 under <paramref name="root"/>.</summary>
    public static string Prepare(string root)
    {
        var models = Path.Combine(root, "models");
        var media = Path.Combine(root, "media");
        Directory.CreateDirectory(models);
        Directory.CreateDirectory(media);
        File.Copy(TestFrames.DataPath("tiny-raw.onnx"), Path.Combine(models, "refinedet-lite-320.onnx"));
        File.Copy(TestFrames.DataPath("tiny-fused.onnx"), Path.Combine(models, "tiny-fused.onnx"));

        // Uniform grey: every coloured pixel of a snapshot is then a drawn box or tag.
        var clip = Path.Combine(media, "clip.mp4");
        MediaFixture.Ffmpeg("-f", "lavfi", "-i", "color=c=0x808080:size=320x240:rate=25", "-t", "4", "-c:v", "libx264",
            "-preset", "ultrafast", "-pix_fmt", "yuv420p", clip);
        return clip;
    }

    /// <summary>The settings of a gateway over <paramref name="root"/> (models/, media/, data/ below it).</summary>
    public static Dictionary<string, string> Settings(string root) => new()
    {
        ["Inference:ModelsDirectory"] = Path.Combine(root, "models"),
        ["Inference:Preload:0"] = "refinedet-lite-320",
        ["Inference:IntraOpThreads"] = "1",
        ["Demo:Enabled"] = "false",
        ["Registry:DataDirectory"] = Path.Combine(root, "data"),
        ["Cameras:MediaRoots:0"] = Path.Combine(root, "media"),
        ["Subscriptions:BufferFrames"] = BufferFrames.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Streams:EmbeddedHistoryCap"] = HistoryCap.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Security:ApiKeys:0:Key"] = AdminKey,
        ["Security:ApiKeys:0:Role"] = "admin",
        ["Security:ApiKeys:1:Key"] = ViewerKey,
        ["Security:ApiKeys:1:Role"] = "viewer",
        ["Security:MaxRequestBodyBytes"] = MaxBodyBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Live:MaxFps"] = "5",
        ["Live:FrameTimeout"] = "00:00:03",
    };

    public HttpClient Client(Action<HttpClient> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        configure(client);
        return client;
    }

    /// <summary>The camera's newest stream position (from its history), or 0.</summary>
    public async Task<long> LatestPositionAsync()
    {
        var history = await Admin.GetFromJsonAsync<JsonElement>($"/api/cameras/{CameraId}/history?limit=10000");
        var last = 0L;
        foreach (var entry in history.EnumerateArray())
        {
            last = Math.Max(last, long.Parse(entry.GetProperty("position").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        }

        return last;
    }

    public async Task DisposeAsync()
    {
        Admin?.Dispose();
        Viewer?.Dispose();
        Anonymous?.Dispose();
        if (_service is not null)
        {
            await _service.DisposeAsync();
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // temp clean-up only
        }
    }
}
