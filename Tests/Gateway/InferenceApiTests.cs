using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using VideoAnalytics.Tests.Support;

namespace VideoAnalytics.Tests.Gateway;

/// <summary>GET /api/inference: the inference grain of each (silo, device), read through Orleans.</summary>
[Collection(SharedGateway.Name)]
public sealed class InferenceApiTests(GatewayFixture gateway)
{
    [Fact]
    public async Task Lists_the_silos_inference_grain_with_the_fixture_camera_attached_and_batches_run()
    {
        using var anonymous = await gateway.Anonymous.GetAsync(new Uri("/api/inference", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        var statuses = await Eventually.UntilAsync(
            async () => await gateway.Viewer.GetFromJsonAsync<JsonElement>(new Uri("/api/inference", UriKind.Relative)),
            list => list.GetArrayLength() == 1 && list[0].GetProperty("batches").GetInt64() > 0,
            TimeSpan.FromSeconds(30),
            "one inference grain that has run batches");
        var status = statuses[0];
        Assert.False(string.IsNullOrEmpty(status.GetProperty("silo").GetString()));
        Assert.Equal("cpu", status.GetProperty("device").GetString());
        Assert.Equal("cpu", status.GetProperty("requestedDevice").GetString());
        Assert.False(status.GetProperty("fellBackToCpu").GetBoolean());
        Assert.Contains(GatewayFixture.CameraId, status.GetProperty("cameras").EnumerateArray().Select(c => c.GetString()));
        Assert.NotEqual(0, status.GetProperty("modelsLoaded").GetArrayLength());
    }
}
