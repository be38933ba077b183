using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace VideoAnalytics.Tests.Gateway;

/// <summary>
/// The camera form's tracker thresholds (tracking-fields.js) in Chromium against the real gateway: a camera's own
/// `tracking` shows in the folded section, a refused threshold shows the gateway's message under its field and changes
/// nothing, a saved edit replaces the object with what the section shows, and emptying it gives the silo's back.
/// </summary>
public sealed partial class DashboardTests
{
    [Fact]
    public async Task A_cameras_tracker_thresholds_are_shown_refused_by_field_saved_and_reset_from_the_form()
    {
        const string id = "tracked";
        await CreateCameraAsync(new { id, url = fixture.Clip, fps = 5, tracking = new { trackBuffer = 90 } });
        try
        {
            var errors = new List<string>();
            var page = await OpenAsync(fixture.Gateway, errors, path: $"/#camera={id}");
            await Expect(page.Locator("#overlay")).ToHaveAttributeAsync("data-camera", id, new() { Timeout = Timeout });
            var section = page.Locator("#cam-tracking");
            await Expect(section).Not.ToHaveAttributeAsync("open", string.Empty); // folded while adding

            // The camera sets one threshold: editing opens the section with it filled in and the rest the silo's.
            await page.GetByRole(AriaRole.Button, new() { Name = $"Edit camera {id}" }).ClickAsync();
            await Expect(page.Locator("#form-title")).ToHaveTextAsync($"Edit camera {id}");
            await Expect(section).ToHaveAttributeAsync("open", string.Empty);
            var trackBuffer = page.GetByLabel("Track buffer", new() { Exact = true });
            var confirmHits = page.GetByLabel("Confirm hits", new() { Exact = true });
            var lostTakeLow = page.GetByLabel("Lost tracks take low scores", new() { Exact = true });
            await Expect(trackBuffer).ToHaveValueAsync("90");
            await Expect(confirmHits).ToHaveValueAsync(string.Empty);
            await Expect(confirmHits).ToHaveAttributeAsync("placeholder", "silo's");
            await Expect(lostTakeLow).ToHaveValueAsync(string.Empty);

            // Out of range: the gateway's 400 names tracking.confirmHits and the page shows it under that field.
            await confirmHits.FillAsync("500");
            await page.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
            var confirmError = page.Locator("#cam-tracking-confirmHits-error");
            await Expect(confirmError).ToContainTextAsync("100", new() { Timeout = Timeout });
            await Expect(confirmHits).ToHaveAttributeAsync("aria-invalid", "true");
            await Expect(page.Locator("#form-status")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\bbad\b"));
            var refused = (await CameraAsync(id)).GetProperty("tracking");
            Assert.Equal(90, refused.GetProperty("trackBuffer").GetInt32());
            Assert.Equal(JsonValueKind.Null, refused.GetProperty("confirmHits").ValueKind);

            // Saved: the object becomes what the section shows (trackBuffer emptied goes back to the silo's).
            await confirmHits.FillAsync("4");
            await trackBuffer.FillAsync(string.Empty);
            await lostTakeLow.SelectOptionAsync("false");
            await page.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
            await Expect(page.Locator("#form-status")).ToContainTextAsync($"{id} saved", new() { Timeout = Timeout });
            var saved = (await CameraAsync(id)).GetProperty("tracking");
            Assert.Equal(4, saved.GetProperty("confirmHits").GetInt32());
            Assert.False(saved.GetProperty("lostTakeLowScores").GetBoolean());
            Assert.Equal(JsonValueKind.Null, saved.GetProperty("trackBuffer").ValueKind);
            await Expect(confirmError).ToBeEmptyAsync();

            // Editing again shows the saved object; emptying every field gives the camera the silo's settings.
            await page.GetByRole(AriaRole.Button, new() { Name = $"Edit camera {id}" }).ClickAsync();
            await Expect(confirmHits).ToHaveValueAsync("4");
            await Expect(lostTakeLow).ToHaveValueAsync("false");
            await confirmHits.FillAsync(string.Empty);
            await lostTakeLow.SelectOptionAsync(string.Empty);
            await page.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
            await Expect(page.Locator("#form-status")).ToContainTextAsync($"{id} saved", new() { Timeout = Timeout });
            Assert.Equal(JsonValueKind.Null, (await CameraAsync(id)).GetProperty("tracking").ValueKind);
            await Expect(section).Not.ToHaveAttributeAsync("open", string.Empty); // the form is back to adding
            await page.CloseAsync();
            Assert.Empty(errors);
        }
        finally
        {
            await DeleteCameraAsync(id);
        }
    }

    [Fact]
    public async Task A_camera_added_with_a_tracker_threshold_keeps_it_and_one_added_without_sets_none()
    {
        const string with = "added-tracked";
        const string without = "added-plain";
        try
        {
            var errors = new List<string>();
            var page = await OpenAsync(fixture.Gateway, errors);
            await Expect(page.Locator("#form-title")).ToHaveTextAsync("Add a camera", new() { Timeout = Timeout });
            await page.FillAsync("#cam-id", with);
            await page.FillAsync("#cam-url", fixture.Clip);
            await page.Locator("#cam-tracking summary").ClickAsync();
            await page.GetByLabel("High score", new() { Exact = true }).FillAsync("0.55");
            await page.GetByRole(AriaRole.Button, new() { Name = "Add camera" }).ClickAsync();
            await Expect(page.Locator("#form-status")).ToContainTextAsync($"{with} added", new() { Timeout = Timeout });
            var tracking = (await CameraAsync(with)).GetProperty("tracking");
            Assert.Equal(0.55, tracking.GetProperty("highScore").GetDouble());
            Assert.Equal(JsonValueKind.Null, tracking.GetProperty("lowScore").ValueKind);

            // The form was reset: the next camera sends no tracking object at all.
            await Expect(page.GetByLabel("High score", new() { Exact = true })).ToHaveValueAsync(string.Empty);
            await page.FillAsync("#cam-id", without);
            await page.FillAsync("#cam-url", fixture.Clip);
            await page.GetByRole(AriaRole.Button, new() { Name = "Add camera" }).ClickAsync();
            await Expect(page.Locator("#form-status")).ToContainTextAsync($"{without} added", new() { Timeout = Timeout });
            Assert.Equal(JsonValueKind.Null, (await CameraAsync(without)).GetProperty("tracking").ValueKind);
            await page.CloseAsync();
            Assert.Empty(errors);
        }
        finally
        {
            await DeleteCameraAsync(with);
            await DeleteCameraAsync(without);
        }
    }
}
