using System.Globalization;
using System.Net.Http.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using VideoAnalytics.Contracts.Cameras;
using VideoAnalytics.Silo.Cluster;
using VideoAnalytics.Silo.Streams;
using VideoAnalytics.Tests.Inference;
using VideoAnalytics.Tests.Models;
using VideoAnalytics.Tests.Silo.Cameras;
using VideoAnalytics.Tests.Support;
using Eventually = VideoAnalytics.Tests.Support.Eventually;

namespace VideoAnalytics.Tests.Silo.Cluster;

/// <summary>
/// A real cluster on loopback: redis-server, a live RTSP camera, Orleans silo processes and a cluster-mode gateway,
/// all configured the way <c>deploy/local/cluster.sh</c> does through <c>VA__</c> settings, at the default membership
/// timings. The test also reads Redis directly to check statuses, epochs and streams.
/// </summary>
internal sealed class TestCluster : IAsyncDisposable
{
    private readonly string _directory;
    private readonly string _models;
    private readonly ClusterRedis _connection;
    private readonly bool _shippedModel;
    private readonly bool _patientMembership;

    private TestCluster(RedisServer redis, bool shippedModel, bool patientMembership)
    {
        _shippedModel = shippedModel;
        _patientMembership = patientMembership;
        Redis = redis;
        _directory = Directory.CreateTempSubdirectory("va-cluster-").FullName;
        _models = Path.Combine(_directory, "models");
        Directory.CreateDirectory(_models);

        // The tiny test model under the default model's name, so cameras need not name a model.
        File.Copy(TestFrames.DataPath("tiny-raw.onnx"), Path.Combine(_models, CameraSpec.DefaultModel + ".onnx"));
        Camera = new RtspTestServer(RtspMount.LiveTestPattern());
        Options = new ClusterOptions { Provider = ClusterProvider.Redis, Redis = redis.Connection, KeyPrefix = "va:" };
        _connection = new ClusterRedis(Microsoft.Extensions.Options.Options.Create(Options), NullLogger<ClusterRedis>.Instance);
        Streams = new RedisDetectionStreams(_connection, Microsoft.Extensions.Options.Options.Create(new StreamOptions()));
        Status = new RedisCameraStatusBoard(_connection);
        Registry = new RedisCameraRegistry(_connection);
    }

    public RedisServer Redis { get; }

    public RtspTestServer Camera { get; }

    public ClusterOptions Options { get; }

    public RedisDetectionStreams Streams { get; }

    public RedisCameraStatusBoard Status { get; }

    /// <summary>The cluster's registry as another process sees it (changes made here reach the services only through Redis).</summary>
    public RedisCameraRegistry Registry { get; }

    public Dictionary<string, ServiceProcess> Silos { get; } = new(StringComparer.Ordinal);

    public ServiceProcess? Gateway { get; private set; }

    /// <summary>Starts Redis, the camera, <paramref name="silos"/> silos (silo-1…) and the gateway, all at once.</summary>
    /// <param name="silos">How many silo processes.</param>
    /// <param name="persistentRedis">Whether Redis writes its data to disk (to survive its own restart).</param>
    /// <param name="shippedModel">
    /// Whether the processes run the shipped model from the repository's <c>models/</c>, which is also a media root
    /// (cameras on <c>models/demo.mp4</c>), instead of the tiny test model: for tests that need real objects moving
    /// through a scene, and so real tracks and scene events.
    /// </param>
    /// <param name="patientMembership">
    /// Whether silos wait three missed probes of 3 s before voting another dead, instead of the service's quick defaults
    /// (2 of 1 s): for tests about hand-overs between live silos, not about how fast a dead one is noticed, so that a
    /// joining silo that a loaded machine keeps from answering for two seconds (JIT, model loading) is not declared dead.
    /// </param>
    public static async Task<TestCluster> StartAsync(int silos, bool persistentRedis = false, bool shippedModel = false, bool patientMembership = false)
    {
        var cluster = new TestCluster(persistentRedis ? RedisServer.StartPersistent() : new RedisServer(), shippedModel, patientMembership);
        var starting = new List<Task>();
        for (var i = 1; i <= silos; i++)
        {
            starting.Add(cluster.StartSiloAsync($"silo-{i}"));
        }

        starting.Add(cluster.StartGatewayAsync());
        await Task.WhenAll(starting);
        return cluster;
    }

    public async Task<ServiceProcess> StartSiloAsync(string name)
    {
        var settings = Settings();
        settings["Silo:Name"] = name;
        settings["Cluster:SiloPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture);
        settings["Cluster:GatewayPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture);
        settings["Cluster:AdvertisedAddress"] = "127.0.0.1";
        var silo = await ServiceProcess.StartAsync("Silo", settings, _directory);
        lock (Silos)
        {
            Silos[name] = silo;
        }

        return silo;
    }

    public async Task StartGatewayAsync()
    {
        var settings = Settings();
        settings["Gateway:HostSilo"] = "false";
        Gateway = await ServiceProcess.StartAsync("Gateway", settings, _directory);
    }

    public async Task RestartGatewayAsync()
    {
        await Gateway!.DisposeAsync();
        await StartGatewayAsync();
    }

    /// <summary>Registers cameras through the gateway's API, all on the live RTSP source.</summary>
    public async Task AddCamerasAsync(IEnumerable<string> ids, double fps = 5)
    {
        foreach (var id in ids)
        {
            using var response = await Gateway!.Client.PostAsJsonAsync("/api/cameras", new { id, url = Camera.Url, fps });
            Assert.True(response.IsSuccessStatusCode, $"adding camera {id}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    /// <summary>Waits until every camera is streaming on some silo; returns camera → silo.</summary>
    public async Task<Dictionary<string, string>> WaitStreamingAsync(IReadOnlyCollection<string> cameras, TimeSpan timeout, Func<CameraStatus, bool>? also = null)
    {
        List<CameraStatus> last = [];
        try
        {
            var statuses = await Eventually.UntilAsync(
                async () => last = (await Status.ListAsync()).Where(s => cameras.Contains(s.Id)).ToList(),
                list => list.Count == cameras.Count && list.All(s => s.State == CameraState.Streaming && s.Silo is not null && s.FramesProcessed > 0 && (also?.Invoke(s) ?? true)),
                timeout,
                "every camera streaming");
            return statuses.ToDictionary(s => s.Id, s => s.Silo!, StringComparer.Ordinal);
        }
        catch (TimeoutException e)
        {
            // Say which cameras were not streaming, where and why, with the processes' logs.
            var states = string.Join("\n", last.Select(s => $"  {s.Id}: {s.State} on {s.Silo ?? "no silo"}, processed {s.FramesProcessed}, error '{s.LastError}'"));
            throw new TimeoutException($"{e.Message}\n{states}\n{Camera.Describe()}\n{Logs()}", e);
        }
    }

    /// <summary>The epoch of the camera's current activation, as its status reports it (0: none reported yet).</summary>
    public async Task<long> EpochAsync(string camera) => (await Status.GetAsync(camera))?.Epoch ?? 0;

    /// <summary>Everything the service printed, for failure messages.</summary>
    public string Logs()
    {
        var text = new System.Text.StringBuilder();
        foreach (var (name, silo) in Silos)
        {
            text.Append("==== ").Append(name).AppendLine().Append(Tail(silo.Output));
        }

        if (Gateway is not null)
        {
            text.AppendLine("==== gateway").Append(Tail(Gateway.Output));
        }

        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var silo in Silos.Values)
        {
            await silo.DisposeAsync();
        }

        if (Gateway is not null)
        {
            await Gateway.DisposeAsync();
        }

        _connection.Dispose();
        Camera.Dispose();
        Redis.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // temp clean-up only
        }
    }

    private static string Tail(string text) => text.Length <= 6000 ? text : text[^6000..];

    private Dictionary<string, string> Settings()
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Cluster:Provider"] = "Redis",
            ["Cluster:Redis"] = Redis.Connection,
            ["Inference:ModelsDirectory"] = _shippedModel ? ShippedModel.RepoFile("models") : _models,
            ["Inference:IntraOpThreads"] = "1",
            ["Cameras:MediaRoots:0"] = _shippedModel ? ShippedModel.RepoFile("models") : _models,
            ["Demo:Enabled"] = "false",
            ["Logging:LogLevel:Default"] = "Information",
            ["Logging:Console:FormatterOptions:TimestampFormat"] = "HH:mm:ss.fff ",
        };
        if (_patientMembership)
        {
            settings["Cluster:ProbeTimeout"] = "00:00:03";
            settings["Cluster:MissedProbesLimit"] = "3";
        }

        return settings;
    }
}
