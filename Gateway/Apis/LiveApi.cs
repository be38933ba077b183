using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using VideoAnalytics.Contracts.Cameras;
using VideoAnalytics.Gateway.Live;

namespace VideoAnalytics.Gateway.Apis;

/// <summary>
/// Annotated pictures of a camera: a JPEG snapshot of its next analysed frame, and an MJPEG stream
/// (multipart/x-mixed-replace, what an &lt;img&gt; tag plays) at most <see cref="LiveOptions.MaxFps"/>. Boxes and
/// labels are drawn in unless <c>?boxes=false</c>: a viewer that draws the detection stream itself (the dashboard's
/// overlay) asks for the clean picture, so it shows one set of boxes and can switch them off.
/// Each frame comes from the camera's grain on the silo running it (<see cref="ICameraGrain.NextAnnotatedFrameAsync"/>),
/// drawn and encoded there only while someone watches; one grain call per frame sent.
/// </summary>
public static class LiveApi
{
    private const string Boundary = "frame";
    private static readonly byte[] CrLf = "\r\n"u8.ToArray();
    private static readonly TimeSpan CallMargin = TimeSpan.FromSeconds(5);

    public static IEndpointRouteBuilder MapLiveApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/cameras/{id}/snapshot.jpg", SnapshotAsync)
            .WithTags("Live").WithName("GetCameraSnapshot")
            .WithSummary("The camera's next analysed frame as a JPEG with boxes and labels drawn (?boxes=false: without); 503 when no frame arrives in time.")
            .Produces(StatusCodes.Status200OK, contentType: "image/jpeg")
            .RequireAuthorization(GatewayPolicies.Viewer);
        endpoints.MapGet("/api/cameras/{id}/live.mjpeg", LiveAsync)
            .WithTags("Live").WithName("GetCameraLiveMjpeg")
            .WithSummary("MJPEG (multipart/x-mixed-replace) of annotated frames (?boxes=false: clean frames) at a capped rate.")
            .Produces(StatusCodes.Status200OK, contentType: "multipart/x-mixed-replace")
            .RequireAuthorization(GatewayPolicies.Viewer);
        return endpoints;
    }

    private static async Task<IResult> SnapshotAsync(
        string id, HttpContext context, ICameraRegistry registry, [FromServices] IGrainFactory grains, IOptions<LiveOptions> options, IHostApplicationLifetime lifetime)
    {
        if (await registry.GetAsync(id, context.RequestAborted) is null)
        {
            return Problems.NotFound($"no camera '{id}'");
        }

        if (!QueryValues.TryBool(context.Request.Query, "boxes", true, out var boxes, out var error))
        {
            return Problems.BadRequest(error!);
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        var frame = await NextAsync(grains, id, boxes, options.Value.FrameTimeout, stop.Token);
        if (frame is null)
        {
            return NoFrame(id, options.Value);
        }

        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers["X-Frame-Index"] = frame.FrameIndex.ToString(CultureInfo.InvariantCulture);
        return Results.Bytes(frame.Jpeg, "image/jpeg");
    }

    private static async Task<IResult> LiveAsync(
        string id, HttpContext context, ICameraRegistry registry, [FromServices] IGrainFactory grains, IOptions<LiveOptions> options, IHostApplicationLifetime lifetime)
    {
        if (await registry.GetAsync(id, context.RequestAborted) is null)
        {
            return Problems.NotFound($"no camera '{id}'");
        }

        if (!QueryValues.TryBool(context.Request.Query, "boxes", true, out var boxes, out var error))
        {
            return Problems.BadRequest(error!);
        }

        var settings = options.Value;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        var token = stop.Token;
        var frame = await NextAsync(grains, id, boxes, settings.FrameTimeout, token);
        if (frame is null)
        {
            return NoFrame(id, settings);
        }

        var response = context.Response;
        response.ContentType = $"multipart/x-mixed-replace; boundary={Boundary}";
        response.Headers.CacheControl = "no-store";
        response.Headers["X-Accel-Buffering"] = "no";
        var interval = TimeSpan.FromSeconds(1 / settings.MaxFps);
        try
        {
            while (frame is not null)
            {
                var sent = TimeProvider.System.GetTimestamp();
                var header = $"--{Boundary}\r\nContent-Type: image/jpeg\r\nContent-Length: {frame.Jpeg.Length}\r\nX-Frame-Index: {frame.FrameIndex}\r\n\r\n";
                await response.Body.WriteAsync(Encoding.ASCII.GetBytes(header), token);
                await response.Body.WriteAsync(frame.Jpeg, token);
                await response.Body.WriteAsync(CrLf, token);
                await response.Body.FlushAsync(token);

                // The rate cap: no frame is requested (so none is encoded) before the interval has passed.
                var wait = interval - TimeProvider.System.GetElapsedTime(sent);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, token);
                }

                frame = await NextAsync(grains, id, boxes, settings.FrameTimeout, token);
            }
        }
        catch (OperationCanceledException)
        {
            // the viewer left or the service is stopping: the stream simply ends
        }

        return Results.Empty;
    }

    private static async Task<AnnotatedFrame?> NextAsync(IGrainFactory grains, string id, bool boxes, TimeSpan timeout, CancellationToken cancellationToken)
    {
        // The grain gives up after the timeout by itself; the extra margin only covers a silo that stopped answering.
        try
        {
            return await grains.GetGrain<ICameraGrain>(id).NextAnnotatedFrameAsync(timeout, boxes).WaitAsync(timeout + CallMargin, cancellationToken);
        }
        catch (TimeoutException)
        {
            return null;
        }
    }

    private static IResult NoFrame(string id, LiveOptions options) =>
        Problems.Unavailable($"camera '{id}' produced no analysed frame within {options.FrameTimeout.TotalSeconds:0.#} s; see its state and lastError in GET /api/cameras/{id}");
}
