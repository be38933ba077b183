using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using VideoAnalytics.Tests.Models;
using VideoAnalytics.Tests.Support;

namespace VideoAnalytics.Tests.Gateway;

/// <summary>
/// A gateway process with the shipped model and one camera on the shipped demo video (looping, 5 fps) with a zone over
/// the whole picture and a line down its middle: the demo's objects cross it, so real scene events flow. Ready once the
/// camera's history holds at least <see cref="MinimumCrossings"/> line crossings.
/// </summary>
public sealed class SceneEventsFixture : IAsyncLifetime
{
    public const string CameraId = "scene-events";
    public const int MinimumCrossings = 4;

    private readonly string _root = Directory.CreateTempSubdirectory("va-scene-events-").FullName;
    private ServiceProcess? _service;

    public ServiceProcess Service => _service ?? throw new InvalidOperationException("the gateway did not start");

    public HttpClient Viewer { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var settings = GatewayFixture.Settings(_root);
        settings["Inference:ModelsDirectory"] = ShippedModel.RepoFile("models");
        settings["Cameras:MediaRoots:0"] = ShippedModel.RepoFile("models");
        settings["Streams:EmbeddedHistoryCap"] = "20000"; // every event the tests compare stays in history
        _service = await ServiceProcess.StartAsync("Gateway", settings, _root);
        Viewer = new HttpClient { BaseAddress = Service.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        Viewer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", GatewayFixture.ViewerKey);
        using var admin = new HttpClient { BaseAddress = Service.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        admin.DefaultRequestHeaders.Add("X-Api-Key", GatewayFixture.AdminKey);
        var zone = new { name = "all", polygon = new[] { new[] { 0.0, 0.0 }, [1.0, 0.0], [1.0, 1.0], [0.0, 1.0] } };
        var line = new { name = "middle", from = new[] { 0.5, 0.0 }, to = new[] { 0.5, 1.0 } };
        using var created = await admin.PostAsJsonAsync("/api/cameras",
            new { id = CameraId, url = ShippedModel.RepoFile("models/demo.mp4"), fps = 5, zones = new[] { zone }, lines = new[] { line } });
        Assert.True(created.IsSuccessStatusCode, $"registering {CameraId}: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync()}\n{Service.Output}");
        await Eventually.UntilAsync(
            () => Viewer.GetFromJsonAsync<JsonElement>($"/api/cameras/{CameraId}/events/history?type=line.cross&limit=10000"),
            events => events.GetArrayLength() >= MinimumCrossings,
            TimeSpan.FromSeconds(120),
            $"camera {CameraId} stores {MinimumCrossings} line crossings (service output: {Service.Output})");
    }

    public async Task DisposeAsync()
    {
        Viewer?.Dispose();
        if (_service is not null)
        {
            await _service.DisposeAsync();
        }

        Directory.Delete(_root, recursive: true);
    }
}
