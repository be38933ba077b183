using Microsoft.AspNetCore.Http.HttpResults;
using VideoAnalytics.Contracts.Cameras;
using VideoAnalytics.Gateway.Cameras;

namespace VideoAnalytics.Gateway.Apis;

/// <summary>Camera registration: /api/cameras. Changes reach the silos through the registry within seconds.</summary>
public static class CamerasApi
{
    public static RouteGroupBuilder MapCamerasApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/cameras").WithTags("Cameras");
        group.MapGet("/", ListAsync).WithName("ListCameras").WithSummary("All cameras with their status.")
            .RequireAuthorization(GatewayPolicies.Viewer);
        group.MapGet("/{id}", GetAsync).WithName("GetCamera").WithSummary("One camera with its status.")
            .RequireAuthorization(GatewayPolicies.Viewer);
        group.MapPost("/", CreateAsync).WithName("CreateCamera").WithSummary("Registers a camera; only id and url are required.")
            .Accepts<CameraRequest>("application/json").RequireAuthorization(GatewayPolicies.Admin);
        group.MapPut("/{id}", ReplaceAsync).WithName("ReplaceCamera").WithSummary("Replaces a camera's spec (omitted fields take defaults).")
            .Accepts<CameraRequest>("application/json").RequireAuthorization(GatewayPolicies.Admin);
        group.MapPatch("/{id}", PatchAsync).WithName("PatchCamera").WithSummary("Changes only the fields given.")
            .Accepts<CameraRequest>("application/json").RequireAuthorization(GatewayPolicies.Admin);
        group.MapDelete("/{id}", DeleteAsync).WithName("DeleteCamera").WithSummary("Removes a camera; its grain and stream stop.")
            .RequireAuthorization(GatewayPolicies.Admin);
        return group;
    }

    private static async Task<Ok<CameraView[]>> ListAsync(ICameraRegistry registry, ICameraStatusBoard board, CancellationToken cancellationToken)
    {
        var specs = await registry.ListAsync(cancellationToken);
        var statuses = (await board.ListAsync(cancellationToken)).ToDictionary(s => s.Id, StringComparer.Ordinal);
        return TypedResults.Ok(specs.Select(s => CameraView.From(s, statuses.GetValueOrDefault(s.Id))).ToArray());
    }

    private static async Task<Results<Ok<CameraView>, ProblemHttpResult>> GetAsync(
        string id, ICameraRegistry registry, ICameraStatusBoard board, CancellationToken cancellationToken)
    {
        var spec = await registry.GetAsync(id, cancellationToken);
        return spec is null
            ? Problems.NotFound($"no camera '{id}'")
            : TypedResults.Ok(CameraView.From(spec, await board.GetAsync(id, cancellationToken)));
    }

    private static async Task<Results<Created<CameraView>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        HttpRequest request, ICameraRegistry registry, CameraRequestValidator validator, CancellationToken cancellationToken)
    {
        var (body, error) = await JsonBody.ReadAsync<CameraRequest>(request, cancellationToken);
        if (body is null)
        {
            return Problems.BadRequest(error!);
        }

        var (spec, errors) = await validator.ValidateAsync(body);
        if (spec is null)
        {
            return Problems.Invalid(errors);
        }

        if (!await registry.AddAsync(spec, cancellationToken))
        {
            return Problems.Conflict($"a camera '{spec.Id}' already exists");
        }

        return TypedResults.Created($"/api/cameras/{spec.Id}", CameraView.From(spec, null));
    }

    private static async Task<Results<Ok<CameraView>, ValidationProblem, ProblemHttpResult>> ReplaceAsync(
        string id, HttpRequest request, ICameraRegistry registry, CameraRequestValidator validator, CancellationToken cancellationToken)
    {
        var (body, error) = await JsonBody.ReadAsync<CameraRequest>(request, cancellationToken);
        if (body is null)
        {
            return Problems.BadRequest(error!);
        }

        if (await registry.GetAsync(id, cancellationToken) is null)
        {
            return Problems.NotFound($"no camera '{id}'");
        }

        var (spec, errors) = await validator.ValidateAsync(body, existing: null, routeId: id);
        if (spec is null)
        {
            return Problems.Invalid(errors);
        }

        return await registry.ReplaceAsync(spec, cancellationToken)
            ? TypedResults.Ok(CameraView.From(spec, null))
            : Problems.NotFound($"no camera '{id}'");
    }

    private static async Task<Results<Ok<CameraView>, ValidationProblem, ProblemHttpResult>> PatchAsync(
        string id, HttpRequest request, ICameraRegistry registry, CameraRequestValidator validator, CancellationToken cancellationToken)
    {
        var (body, error) = await JsonBody.ReadAsync<CameraRequest>(request, cancellationToken);
        if (body is null)
        {
            return Problems.BadRequest(error!);
        }

        var existing = await registry.GetAsync(id, cancellationToken);
        if (existing is null)
        {
            return Problems.NotFound($"no camera '{id}'");
        }

        var (spec, errors) = await validator.ValidateAsync(body, existing, routeId: id);
        if (spec is null)
        {
            return Problems.Invalid(errors);
        }

        return await registry.ReplaceAsync(spec, cancellationToken)
            ? TypedResults.Ok(CameraView.From(spec, null))
            : Problems.NotFound($"no camera '{id}'");
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string id, ICameraRegistry registry, CancellationToken cancellationToken) =>
        await registry.RemoveAsync(id, cancellationToken) ? TypedResults.NoContent() : Problems.NotFound($"no camera '{id}'");
}
