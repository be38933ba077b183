using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace VideoAnalytics.Tests.Gateway;

/// <summary>
/// A camera's own tracker settings (<c>tracking</c>) through /api/cameras: stored as sent, echoed by GET, kept by a
/// PATCH that does not name them, replaced as a whole by one that does, and cleared by <c>{}</c>.
/// (What they change in tracking: Tests/Silo/TrackedPublishingTests; bad values: CamerasApiTests.)
/// </summary>
[Collection(SharedGateway.Name)]
public sealed class CamerasApiTrackingTests(GatewayFixture gateway)
{
    [Fact]
    public async Task Tracking_settings_round_trip_and_edits_replace_them_as_a_whole()
    {
        const string id = "tracking-1";
        using var created = await gateway.Admin.PostAsJsonAsync("/api/cameras",
            new { id, url = gateway.Clip, enabled = false, tracking = new { confirmHits = 5, highScore = 0.6, lostTakeLowScores = false } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var tracking = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("tracking");
        Assert.Equal(5, tracking.GetProperty("confirmHits").GetInt32());
        Assert.Equal(0.6, tracking.GetProperty("highScore").GetDouble());
        Assert.False(tracking.GetProperty("lostTakeLowScores").GetBoolean());
        Assert.Equal(JsonValueKind.Null, tracking.GetProperty("lowScore").ValueKind); // the silo's

        // Another field edited: the tracking settings stay.
        using (var patched = await gateway.Admin.PatchAsJsonAsync($"/api/cameras/{id}", new { minScore = 0.6 }))
        {
            Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        }

        tracking = (await gateway.Viewer.GetFromJsonAsync<JsonElement>($"/api/cameras/{id}")).GetProperty("tracking");
        Assert.Equal(5, tracking.GetProperty("confirmHits").GetInt32());

        // Tracking sent: it replaces the old object, fields it leaves out go back to the silo's.
        using (var patched = await gateway.Admin.PatchAsJsonAsync($"/api/cameras/{id}", new { tracking = new { trackBuffer = 90 } }))
        {
            Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        }

        tracking = (await gateway.Viewer.GetFromJsonAsync<JsonElement>($"/api/cameras/{id}")).GetProperty("tracking");
        Assert.Equal(90, tracking.GetProperty("trackBuffer").GetInt32());
        Assert.Equal(JsonValueKind.Null, tracking.GetProperty("confirmHits").ValueKind);

        // A bad edit changes nothing.
        using (var refused = await gateway.Admin.PatchAsJsonAsync($"/api/cameras/{id}", new { tracking = new { confirmHits = 0 } }))
        {
            await Problem.AssertNamesFieldAsync(refused, "tracking.confirmHits");
        }

        Assert.Equal(90, (await gateway.Viewer.GetFromJsonAsync<JsonElement>($"/api/cameras/{id}")).GetProperty("tracking").GetProperty("trackBuffer").GetInt32());

        // {} is the silo's settings for every field: no tracking object at all, as for a camera that never had one.
        using (var cleared = await gateway.Admin.PatchAsJsonAsync($"/api/cameras/{id}", new { tracking = new { } }))
        {
            Assert.Equal(HttpStatusCode.OK, cleared.StatusCode);
        }

        Assert.Equal(JsonValueKind.Null, (await gateway.Viewer.GetFromJsonAsync<JsonElement>($"/api/cameras/{id}")).GetProperty("tracking").ValueKind);

        // PUT replaces the camera, tracking included.
        using (var replaced = await gateway.Admin.PutAsJsonAsync($"/api/cameras/{id}", new { url = gateway.Clip, enabled = false, tracking = new { newTrackScore = 0.9 } }))
        {
            Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        }

        var listed = (await gateway.Viewer.GetFromJsonAsync<JsonElement>("/api/cameras")).EnumerateArray().Single(c => c.GetProperty("id").GetString() == id);
        Assert.Equal(0.9, listed.GetProperty("tracking").GetProperty("newTrackScore").GetDouble());

        using var deleted = await gateway.Admin.DeleteAsync($"/api/cameras/{id}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
    }
}
