using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using VideoAnalytics.Tests.Support;

namespace VideoAnalytics.Tests.Gateway;

/// <summary>
/// Gateways of their own: OTLP export to an in-test collector, subscribers closed cleanly on shutdown, and the
/// refusal to listen beyond loopback without API keys.
/// </summary>
public sealed class ServiceLifecycleTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "va-gateway-life-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Otlp_export_posts_metrics_and_traces_to_the_collector()
    {
        var clip = GatewayFixture.Prepare(_root);
        using var collector = new OtlpCollector();
        var environment = new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Endpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
        };
        await using var service = await ServiceProcess.StartAsync("Gateway", OpenSettings(), _root, environment: environment);
        using var created = await service.Client.PostAsJsonAsync("/api/cameras", new { id = "otlp", url = clip, fps = 10 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        // Spans leave in batches: a publish span or a request span may come an export after the first batch span (a
        // soak run read the collector between the two), so each is waited for, not checked once.
        await Eventually.UntilAsync(
            () => collector.Received("/v1/metrics", "va.camera.frames.processed") && collector.Received("/v1/traces", "inference.batch")
                && collector.Received("/v1/traces", "detections.publish"),
            TimeSpan.FromSeconds(30),
            $"the collector receives pipeline metrics and traces (got {collector.Summary}; service output: {service.Output})");

        // ASP.NET Core's request spans and the HTTP and runtime meters travel the same way.
        await Eventually.UntilAsync(() => collector.Received("/v1/traces", "/api/cameras"), TimeSpan.FromSeconds(30),
            $"the collector receives the request spans (got {collector.Summary})");
        await Eventually.UntilAsync(
            () => collector.Received("/v1/metrics", "http.server.request.duration") && collector.Received("/v1/metrics", "dotnet.gc.collections"),
            TimeSpan.FromSeconds(30),
            $"the collector receives HTTP and runtime metrics (got {collector.Summary})");
    }

    [Fact]
    public async Task Shutdown_ends_sse_and_closes_websockets_cleanly()
    {
        var clip = GatewayFixture.Prepare(_root);
        await using var service = await ServiceProcess.StartAsync("Gateway", OpenSettings(), _root);
        using var created = await service.Client.PostAsJsonAsync("/api/cameras", new { id = "bye", url = clip, fps = 10 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        using var sse = await service.Client.GetAsync("/api/cameras/bye/detections", HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        using var events = new SseReader(await sse.Content.ReadAsStreamAsync(cancel.Token));
        Assert.NotNull(await events.NextAsync(cancel.Token));
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{service.Port}/ws/detections?cameras=bye"), cancel.Token);
        await SubscriptionTests.ReceiveJsonAsync(socket, cancel.Token);

        var clock = Stopwatch.StartNew();
        service.Signal(15); // SIGTERM: what systemd and Kubernetes send

        // The SSE response ends normally (no reset) and the socket gets a close frame saying the service is going away.
        while (await events.NextAsync(cancel.Token) is not null)
        {
        }

        var buffer = new byte[64 * 1024];
        WebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer, cancel.Token);
        }
        while (result.MessageType != WebSocketMessageType.Close);

        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, result.CloseStatus);
        await Eventually.UntilAsync(() => service.HasExited, TimeSpan.FromSeconds(20), "the service exits after SIGTERM");
        Assert.Equal(0, service.ExitCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"shutdown took {clock.Elapsed}: subscribers held it up");
    }

    [Fact]
    public async Task A_restarted_service_keeps_its_history_and_a_resuming_client_continues_exactly_under_a_newer_epoch()
    {
        var clip = GatewayFixture.Prepare(_root);
        long lastBefore;
        long epochBefore;
        await using (var first = await ServiceProcess.StartAsync("Gateway", OpenSettings(), _root))
        {
            using var created = await first.Client.PostAsJsonAsync("/api/cameras", new { id = "kept", url = clip, fps = 10 });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var history = await Eventually.UntilAsync(
                () => first.Client.GetFromJsonAsync<JsonElement>("/api/cameras/kept/history?limit=10000"),
                h => h.GetArrayLength() >= 5, TimeSpan.FromSeconds(30), "history before the restart");
            var newest = history.EnumerateArray().MaxBy(e => long.Parse(e.GetProperty("position").GetString()!, CultureInfo.InvariantCulture));
            lastBefore = long.Parse(newest.GetProperty("position").GetString()!, CultureInfo.InvariantCulture);
            epochBefore = newest.GetProperty("frame").GetProperty("epoch").GetInt64();
        }

        // The camera comes back by itself (the registry is on disk), its history with it.
        await using var second = await ServiceProcess.StartAsync("Gateway", OpenSettings(), _root);
        var kept = await second.Client.GetFromJsonAsync<JsonElement>("/api/cameras/kept/history?limit=10000");
        Assert.Contains(kept.EnumerateArray(), e => e.GetProperty("position").GetString() == lastBefore.ToString(CultureInfo.InvariantCulture));

        // A client resuming with the last id it saw gets the frames after it, with positions going on, not starting over.
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/cameras/kept/detections");
        request.Headers.Add("Last-Event-ID", lastBefore.ToString(CultureInfo.InvariantCulture));
        using var sse = await second.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        using var events = new SseReader(await sse.Content.ReadAsStreamAsync(cancel.Token));
        var next = await events.NextAsync(cancel.Token);
        while (next is not null && next.Type != "message")
        {
            next = await events.NextAsync(cancel.Token);
        }

        Assert.NotNull(next);
        Assert.Equal(lastBefore + 1, long.Parse(next.Id!, CultureInfo.InvariantCulture));

        // Frames of the restarted camera carry a newer epoch than any before (the epoch lives in the grain state on disk).
        var epochs = new List<long>();
        for (var e = next; e is not null && epochs.Count < 30; e = await events.NextAsync(cancel.Token))
        {
            if (e.Type == "message")
            {
                epochs.Add(JsonDocument.Parse(e.Data).RootElement.GetProperty("epoch").GetInt64());
                if (epochs[^1] > epochBefore)
                {
                    break;
                }
            }
        }

        Assert.True(epochs[^1] > epochBefore, $"epochs after the restart: {string.Join(",", epochs)}; before: {epochBefore}");
    }

    [Fact]
    public async Task Refuses_to_listen_beyond_loopback_without_keys()
    {
        var port = FreePort.Next();
        var info = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "VideoAnalytics.Gateway.dll"), "--urls", $"http://0.0.0.0:{port}"])
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["VA__Demo__Enabled"] = "false";
        info.Environment["VA__Registry__DataDirectory"] = Path.Combine(_root, "data");
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        var text = await output + await error;
        Assert.NotEqual(0, process.ExitCode);
        Assert.Contains($"Refusing to listen on http://0.0.0.0:{port} without API keys", text, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // temp clean-up only
        }
    }

    private Dictionary<string, string> OpenSettings()
    {
        var settings = GatewayFixture.Settings(_root);
        foreach (var key in settings.Keys.Where(k => k.StartsWith("Security:ApiKeys", StringComparison.Ordinal)).ToList())
        {
            settings.Remove(key);
        }

        return settings;
    }

    /// <summary>A minimal OTLP/HTTP receiver: records each POST's path and body and answers 200 with an empty body.</summary>
    private sealed class OtlpCollector : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly List<(string Path, byte[] Body, string? ContentType)> _posts = [];
        private readonly Task _loop;

        public OtlpCollector()
        {
            var port = FreePort.Next();
            Endpoint = $"http://127.0.0.1:{port}";
            _listener.Prefixes.Add(Endpoint + "/");
            _listener.Start();
            _loop = Task.Run(ServeAsync);
        }

        public string Endpoint { get; }

        public string Summary
        {
            get
            {
                lock (_posts)
                {
                    return string.Join(", ", _posts.Select(p => $"{p.Path} {p.ContentType} {p.Body.Length} B"));
                }
            }
        }

        /// <summary>Whether a protobuf POST to <paramref name="path"/> carried <paramref name="text"/> (names travel as UTF-8).</summary>
        public bool Received(string path, string text)
        {
            var needle = Encoding.UTF8.GetBytes(text);
            lock (_posts)
            {
                return _posts.Any(p => p.Path == path && p.ContentType == "application/x-protobuf" && p.Body.AsSpan().IndexOf(needle) >= 0);
            }
        }

        public void Dispose()
        {
            _listener.Close();
            try
            {
                _loop.Wait(TimeSpan.FromSeconds(5));
            }
            catch (AggregateException)
            {
                // the listener was closed under a pending accept
            }
        }

        private async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }

                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                lock (_posts)
                {
                    _posts.Add((context.Request.Url!.AbsolutePath, body.ToArray(), context.Request.ContentType));
                }

                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/x-protobuf";
                context.Response.Close();
            }
        }
    }
}
