using Microsoft.Extensions.Options;
using VideoAnalytics.Contracts.Sinks;
using VideoAnalytics.Silo.Cluster;
using VideoAnalytics.Silo.Registry;
using VideoAnalytics.Tests.Silo.Cluster;
using VideoAnalytics.Tests.Support;

namespace VideoAnalytics.Tests.Silo.Sinks;

/// <summary>What both sink registries must do (in one process: sinks.json; in a cluster: Redis).</summary>
public abstract class SinkRegistryContract
{
    protected abstract Task<ISinkRegistry> CreateAsync();

    protected static SinkSpec Spec(string id, string url = "http://127.0.0.1:9/hook") => new()
    {
        Id = id,
        Type = SinkSpec.WebhookType,
        Cameras = ["door"],
        Events = [SinkEventTypes.LineCross],
        Webhook = new WebhookSinkSettings { Url = url, Secret = "s", TimeoutSeconds = 3 },
    };

    [Fact]
    public async Task Add_get_list_replace_remove_with_every_field_kept_and_each_change_announced()
    {
        var registry = await CreateAsync();
        var changed = new List<string>();
        registry.Changed += id => { lock (changed) { changed.Add(id); } };
        Assert.True(await registry.AddAsync(Spec("b")));
        Assert.True(await registry.AddAsync(Spec("a")));
        Assert.False(await registry.AddAsync(Spec("a", "http://other/")));
        Assert.Equal(["a", "b"], (await registry.ListAsync()).Select(s => s.Id));
        var a = (await registry.GetAsync("a"))!;
        Assert.Equal("http://127.0.0.1:9/hook", a.Webhook!.Url);
        Assert.Equal("s", a.Webhook.Secret);
        Assert.Equal(["door"], a.Cameras);
        Assert.Equal([SinkEventTypes.LineCross], a.Events);

        Assert.True(await registry.ReplaceAsync(Spec("a") with { Enabled = false }));
        Assert.False((await registry.GetAsync("a"))!.Enabled);
        Assert.False(await registry.ReplaceAsync(Spec("zzz")));
        Assert.True(await registry.RemoveAsync("a"));
        Assert.False(await registry.RemoveAsync("a"));
        Assert.Null(await registry.GetAsync("a"));
        await Eventually.UntilAsync(() => { lock (changed) { return changed.Count >= 4; } }, TimeSpan.FromSeconds(5), "four changes announced");
    }
}

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class JsonFileSinkRegistryTests : SinkRegistryContract, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("va-sinks-").FullName;

    protected override Task<ISinkRegistry> CreateAsync() =>
        Task.FromResult<ISinkRegistry>(new JsonFileSinkRegistry(Options.Create(new RegistryOptions { DataDirectory = Path.Combine(_dir, Guid.NewGuid().ToString("N")) })));

    [Fact]
    public async Task Sinks_survive_a_restart_in_a_file_only_the_service_can_read()
    {
        var options = Options.Create(new RegistryOptions { DataDirectory = _dir });
        using (var first = new JsonFileSinkRegistry(options))
        {
            Assert.True(await first.AddAsync(Spec("kept")));
        }

        using var second = new JsonFileSinkRegistry(options);
        Assert.Equal("s", (await second.GetAsync("kept"))!.Webhook!.Secret);
        Assert.Equal(JsonFileCameraRegistry.RegistryFileMode, File.GetUnixFileMode(Path.Combine(_dir, "sinks.json")));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}

[Collection(RedisTestGroup.Name)]
public sealed class RedisSinkRegistryTests(RedisServer redis) : SinkRegistryContract, IDisposable
{
    private readonly RedisProviders _providers = new(redis);

    protected override async Task<ISinkRegistry> CreateAsync()
    {
        var registry = new RedisSinkRegistry(_providers.Connect());
        await registry.Subscribed.WaitAsync(TimeSpan.FromSeconds(10));
        return registry;
    }

    public void Dispose() => _providers.Dispose();
}
