using Microsoft.AspNetCore.Http.HttpResults;
using VideoAnalytics.Contracts.Sinks;
using VideoAnalytics.Gateway.Sinks;

namespace VideoAnalytics.Gateway.Apis;

/// <summary>
/// Event sink registration: /api/sinks. Changes reach the silos through the sink registry within seconds (their sink
/// keepers run, edit, stop or remove the sink's grain); a sink's status comes from its grain.
/// </summary>
public static class SinksApi
{
    // A silo that is frozen or leaving must not hold up a listing: a sink whose grain does not answer shows no status.
    private static readonly TimeSpan StatusTimeout = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan RemoveTimeout = TimeSpan.FromSeconds(10);

    public static RouteGroupBuilder MapSinksApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/sinks").WithTags("Sinks");
        group.MapGet("/", ListAsync).WithName("ListSinks").WithSummary("All event sinks with their delivery status (secrets masked).")
            .RequireAuthorization(GatewayPolicies.Viewer);
        group.MapGet("/{id}", GetAsync).WithName("GetSink").WithSummary("One event sink with its delivery status: state, last error, lag per camera.")
            .RequireAuthorization(GatewayPolicies.Viewer);
        group.MapPost("/", CreateAsync).WithName("CreateSink").WithSummary("Registers an event sink (mqtt or webhook); id, type and its url are required.")
            .Accepts<SinkRequest>("application/json").RequireAuthorization(GatewayPolicies.Admin);
        group.MapPut("/{id}", ReplaceAsync).WithName("ReplaceSink").WithSummary("Replaces a sink's spec (omitted fields take defaults; masked secrets are kept).")
            .Accepts<SinkRequest>("application/json").RequireAuthorization(GatewayPolicies.Admin);
        group.MapPatch("/{id}", PatchAsync).WithName("PatchSink").WithSummary("Changes only the fields given (enabled: false pauses it, keeping its checkpoint).")
            .Accepts<SinkRequest>("application/json").RequireAuthorization(GatewayPolicies.Admin);
        group.MapDelete("/{id}", DeleteAsync).WithName("DeleteSink").WithSummary("Removes a sink; its delivery stops and its checkpoint is forgotten.")
            .RequireAuthorization(GatewayPolicies.Admin);
        return group;
    }

    private static async Task<Ok<SinkView[]>> ListAsync(ISinkRegistry registry, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var specs = await registry.ListAsync(cancellationToken);
        var statuses = await Task.WhenAll(specs.Select(s => StatusAsync(grains, s.Id)));
        return TypedResults.Ok(specs.Select((s, i) => SinkView.From(s, statuses[i])).ToArray());
    }

    private static async Task<Results<Ok<SinkView>, ProblemHttpResult>> GetAsync(
        string id, ISinkRegistry registry, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var spec = await registry.GetAsync(id, cancellationToken);
        return spec is null ? Problems.NotFound($"no sink '{id}'") : TypedResults.Ok(SinkView.From(spec, await StatusAsync(grains, id)));
    }

    private static async Task<Results<Created<SinkView>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        HttpRequest request, ISinkRegistry registry, CancellationToken cancellationToken)
    {
        var (body, error) = await JsonBody.ReadAsync<SinkRequest>(request, cancellationToken, "sink");
        if (body is null)
        {
            return Problems.BadRequest(error!);
        }

        var (spec, errors) = SinkRequestValidator.Validate(body);
        if (spec is null)
        {
            return Problems.Invalid(errors, "Invalid sink");
        }

        return await registry.AddAsync(spec, cancellationToken)
            ? TypedResults.Created($"/api/sinks/{spec.Id}", SinkView.From(spec, null))
            : Problems.Conflict($"a sink '{spec.Id}' already exists");
    }

    private static Task<Results<Ok<SinkView>, ValidationProblem, ProblemHttpResult>> ReplaceAsync(
        string id, HttpRequest request, ISinkRegistry registry, CancellationToken cancellationToken) =>
        UpdateAsync(id, request, registry, patch: false, cancellationToken);

    private static Task<Results<Ok<SinkView>, ValidationProblem, ProblemHttpResult>> PatchAsync(
        string id, HttpRequest request, ISinkRegistry registry, CancellationToken cancellationToken) =>
        UpdateAsync(id, request, registry, patch: true, cancellationToken);

    private static async Task<Results<Ok<SinkView>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        string id, HttpRequest request, ISinkRegistry registry, bool patch, CancellationToken cancellationToken)
    {
        var (body, error) = await JsonBody.ReadAsync<SinkRequest>(request, cancellationToken, "sink");
        if (body is null)
        {
            return Problems.BadRequest(error!);
        }

        var existing = await registry.GetAsync(id, cancellationToken);
        if (existing is null)
        {
            return Problems.NotFound($"no sink '{id}'");
        }

        var (spec, errors) = SinkRequestValidator.Validate(body, existing, routeId: id, patch);
        if (spec is null)
        {
            return Problems.Invalid(errors, "Invalid sink");
        }

        return await registry.ReplaceAsync(spec, cancellationToken)
            ? TypedResults.Ok(SinkView.From(spec, null))
            : Problems.NotFound($"no sink '{id}'");
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        string id, ISinkRegistry registry, IGrainFactory grains, CancellationToken cancellationToken)
    {
        if (!await registry.RemoveAsync(id, cancellationToken))
        {
            return Problems.NotFound($"no sink '{id}'");
        }

        // The keepers would remove the grain (and its checkpoints) on their next pass, but only if that pass still sees
        // the id gone: a sink deleted and created again under the same id within one pass would resume from the old
        // checkpoints. Removing it here, before answering, makes a new sink of that id start afresh. A silo that does
        // not answer in time leaves it to the keepers.
        try
        {
            await grains.GetGrain<ISinkGrain>(id).RemoveAsync().WaitAsync(RemoveTimeout, cancellationToken);
        }
        catch (Exception e) when (e is TimeoutException or OrleansException)
        {
            // the keepers' next pass removes it
        }

        return TypedResults.NoContent();
    }

    private static async Task<SinkStatus?> StatusAsync(IGrainFactory grains, string id)
    {
        try
        {
            return await grains.GetGrain<ISinkGrain>(id).GetStatusAsync().WaitAsync(StatusTimeout);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return null; // no silo answered in time: the spec is shown without a status
        }
    }
}
