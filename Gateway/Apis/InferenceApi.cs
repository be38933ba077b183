using Microsoft.AspNetCore.Http.HttpResults;
using Orleans.Runtime;
using VideoAnalytics.Contracts.Inference;
using VideoAnalytics.Gateway.Security;

namespace VideoAnalytics.Gateway.Apis;

/// <summary>The inference grains of the cluster: GET /api/inference, one status per (silo, device).</summary>
public static class InferenceApi
{
    public static IEndpointRouteBuilder MapInferenceApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/inference", ListAsync)
            .WithTags("Inference").WithName("ListInference")
            .WithSummary("Every silo's inference devices: cameras attached, frames waiting, batches run, models loaded, CPU fallback.")
            .RequireAuthorization(GatewayPolicies.Viewer);
        return endpoints;
    }

    // Each silo activates its inference grains at start and keeps them, so the active ones are the cluster's devices:
    // the management grain lists them by grain type, and each reports its own worker. Grain calls end by Orleans'
    // response timeout, so a dropped request costs at most that.
    private static async Task<Ok<InferenceStatus[]>> ListAsync(IGrainFactory grains)
    {
        var type = Orleans.Runtime.GrainType.Create(InferenceGrainKey.GrainType);
        var activations = await grains.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
        var keys = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var activation in activations)
        {
            if (activation.GrainId.Type.Equals(type))
            {
                keys.Add(activation.GrainId.Key.ToString()!);
            }
        }

        var statuses = await Task.WhenAll(keys.Select(key => grains.GetGrain<IInferenceGrain>(key).GetStatusAsync()));
        return TypedResults.Ok(statuses);
    }
}
