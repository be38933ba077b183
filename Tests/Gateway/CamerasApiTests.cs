using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace VideoAnalytics.Tests.Gateway;

/// <summary>The /api/cameras contract: CRUD, each validation failure naming its field, 404, 409, 413.</summary>
[Collection(SharedGateway.Name)]
public sealed class CamerasApiTests(GatewayFixture gateway)
{
    [Fact]
    public async Task Create_read_replace_patch_delete_round_trip()
    {
        using var created = await gateway.Admin.PostAsJsonAsync("/api/cameras", new { id = "crud-1", url = gateway.Clip, enabled = false });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/api/cameras/crud-1", created.Headers.Location?.OriginalString);
        var view = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("crud-1", view.GetProperty("id").GetString());
        Assert.Equal("refinedet-lite-320", view.GetProperty("model").GetString());
        Assert.Equal("stopped", view.GetProperty("state").GetString());

        var read = await gateway.Viewer.GetFromJsonAsync<JsonElement>("/api/cameras/crud-1");
        Assert.Equal(5, read.GetProperty("fps").GetDouble());

        using var replaced = await gateway.Admin.PutAsJsonAsync("/api/cameras/crud-1", new { url = gateway.Clip, fps = 2, enabled = false, classes = new[] { "a" } });
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        using var patched = await gateway.Admin.PatchAsJsonAsync("/api/cameras/crud-1", new { minScore = 0.7 });
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        read = await gateway.Viewer.GetFromJsonAsync<JsonElement>("/api/cameras/crud-1");
        Assert.Equal(2, read.GetProperty("fps").GetDouble());
        Assert.Equal(0.7, read.GetProperty("minScore").GetDouble());
        Assert.Equal("a", read.GetProperty("classes")[0].GetString());

        var list = await gateway.Viewer.GetFromJsonAsync<JsonElement>("/api/cameras");
        Assert.Contains(list.EnumerateArray(), c => c.GetProperty("id").GetString() == "crud-1");

        using var deleted = await gateway.Admin.DeleteAsync("/api/cameras/crud-1");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using var gone = await gateway.Viewer.GetAsync("/api/cameras/crud-1");
        await Problem.AssertAsync(gone, HttpStatusCode.NotFound);
    }

    public static TheoryData<string, string> InvalidBodies => new()
    {
        { """{"id":"bad id!","url":"CLIP"}""", "id" },
        { """{"id":"-starts-with-dash","url":"CLIP"}""", "id" },
        { """{"url":"CLIP"}""", "id" },
        { """{"id":"x1","url":"ftp://example.com/a.mp4"}""", "url" },
        { """{"id":"x1","url":"/etc/passwd"}""", "url" },
        { """{"id":"x1","url":"MEDIA/../../../etc/passwd"}""", "url" },
        { """{"id":"x1"}""", "url" },
        { """{"id":"x1","url":"CLIP","fps":0}""", "fps" },
        { """{"id":"x1","url":"CLIP","fps":61}""", "fps" },
        { """{"id":"x1","url":"CLIP","minScore":1.5}""", "minScore" },
        { """{"id":"x1","url":"CLIP","minScore":-0.1}""", "minScore" },
        { """{"id":"x1","url":"CLIP","model":"no-such-model"}""", "model" },
        { """{"id":"x1","url":"CLIP","classes":["zebra"]}""", "classes" },
        { """{"id":"x1","url":"CLIP","tracking":{"highScore":1.5}}""", "tracking.highScore" },
        { """{"id":"x1","url":"CLIP","tracking":{"lowScore":-0.1}}""", "tracking.lowScore" },
        { """{"id":"x1","url":"CLIP","tracking":{"newTrackScore":2}}""", "tracking.newTrackScore" },
        { """{"id":"x1","url":"CLIP","tracking":{"matchCost":1.1}}""", "tracking.matchCost" },
        { """{"id":"x1","url":"CLIP","tracking":{"lowMatchCost":-1}}""", "tracking.lowMatchCost" },
        { """{"id":"x1","url":"CLIP","tracking":{"tentativeMatchCost":7}}""", "tracking.tentativeMatchCost" },
        { """{"id":"x1","url":"CLIP","tracking":{"boxBuffer":6}}""", "tracking.boxBuffer" },
        { """{"id":"x1","url":"CLIP","tracking":{"trackBuffer":0}}""", "tracking.trackBuffer" },
        { """{"id":"x1","url":"CLIP","tracking":{"trackBuffer":2.5}}""", "tracking.trackBuffer" },
        { """{"id":"x1","url":"CLIP","tracking":{"confirmHits":101}}""", "tracking.confirmHits" },
        { """{"id":"x1","url":"CLIP","tracking":{"confirmHits":1.5}}""", "tracking.confirmHits" },
        // Out of order among the fields sent, and against the silo's own values for the fields left out (the silo's
        // low score is 0.1, its new-track score 0.6).
        { """{"id":"x1","url":"CLIP","tracking":{"lowScore":0.6,"highScore":0.5}}""", "tracking.highScore" },
        { """{"id":"x1","url":"CLIP","tracking":{"highScore":0.05}}""", "tracking.highScore" },
        { """{"id":"x1","url":"CLIP","tracking":{"highScore":0.7}}""", "tracking.newTrackScore" },
    };

    [Theory]
    [MemberData(nameof(InvalidBodies))]
    public async Task Invalid_camera_is_a_400_naming_the_field(string body, string field)
    {
        body = body.Replace("CLIP", gateway.Clip.Replace("\\", "\\\\", StringComparison.Ordinal), StringComparison.Ordinal)
            .Replace("MEDIA", gateway.MediaDirectory, StringComparison.Ordinal);
        using var response = await gateway.Admin.PostAsync("/api/cameras", new StringContent(body, Encoding.UTF8, "application/json"));
        await Problem.AssertNamesFieldAsync(response, field);
    }

    [Fact]
    public async Task Malformed_json_is_400_and_a_wrong_content_type_415()
    {
        using var broken = await gateway.Admin.PostAsync("/api/cameras", new StringContent("{\"id\":", Encoding.UTF8, "application/json"));
        await Problem.AssertAsync(broken, HttpStatusCode.BadRequest);
        // The route declares application/json, so ASP.NET answers another media type with 415 before the handler runs.
        using var text = await gateway.Admin.PostAsync("/api/cameras", new StringContent("id=x", Encoding.UTF8, "text/plain"));
        await Problem.AssertAsync(text, HttpStatusCode.UnsupportedMediaType);
        using var wrongType = await gateway.Admin.PostAsync("/api/cameras", new StringContent("""{"id":"x2","url":"u","fps":"fast"}""", Encoding.UTF8, "application/json"));
        await Problem.AssertAsync(wrongType, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Unknown_camera_is_404_for_every_verb()
    {
        var body = JsonContent.Create(new { url = gateway.Clip });
        using var get = await gateway.Admin.GetAsync("/api/cameras/nope");
        await Problem.AssertAsync(get, HttpStatusCode.NotFound);
        using var put = await gateway.Admin.PutAsync("/api/cameras/nope", body);
        await Problem.AssertAsync(put, HttpStatusCode.NotFound);
        using var patch = await gateway.Admin.PatchAsync("/api/cameras/nope", JsonContent.Create(new { fps = 2 }));
        await Problem.AssertAsync(patch, HttpStatusCode.NotFound);
        using var delete = await gateway.Admin.DeleteAsync("/api/cameras/nope");
        await Problem.AssertAsync(delete, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Registering_an_existing_id_is_409()
    {
        using var response = await gateway.Admin.PostAsJsonAsync("/api/cameras", new { id = GatewayFixture.CameraId, url = gateway.Clip });
        await Problem.AssertAsync(response, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_413_problem_details()
    {
        var huge = "{\"id\":\"big\",\"url\":\"" + new string('a', (int)GatewayFixture.MaxBodyBytes + 10) + "\"}";
        // Refused on the declared length before the body goes out (see BadInputTests): no broken pipe on a busy machine.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/cameras") { Content = new StringContent(huge, Encoding.UTF8, "application/json") };
        request.Headers.ExpectContinue = true;
        using var response = await gateway.Admin.SendAsync(request);
        await Problem.AssertAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }
}
