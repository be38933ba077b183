using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using VideoAnalytics.Contracts.Cameras;
using VideoAnalytics.Silo.Inference;
using VideoAnalytics.Silo.Pipeline;

namespace VideoAnalytics.Silo.Cameras;

/// <summary>
/// Serves <see cref="ICameraSpecCheckGrain"/> with the checks the camera grain itself makes before it runs a camera:
/// <see cref="SourceValidator"/> over this silo's media roots and the <see cref="ModelCatalog"/> on the device
/// cameras run on, secret references resolved with this silo's environment and secrets folder (the resolved URL
/// stays here: only the verdict returns). A stateless worker: it holds nothing, and the silo that receives the call answers.
/// </summary>
/// <remarks>A model the catalog has not loaded yet is loaded in the turn (once per model; then served from memory),
/// as the detect grain does: the load is what tells whether the file is a usable model.</remarks>
[StatelessWorker]
public sealed class CameraSpecCheckGrain(
    ModelCatalog models, InferenceHost inference, IOptions<CameraOptions> cameraOptions, IOptions<InferenceOptions> inferenceOptions)
    : Grain, ICameraSpecCheckGrain
{
    public Task<CameraSpecCheck> CheckAsync(string? url, string model) => CheckAsync(url, model, null);

    public Task<CameraSpecCheck> CheckAsync(string? url, string model, TrackingSpec? tracking)
    {
        ArgumentNullException.ThrowIfNull(model);
        string? urlError = null;
        if (url is not null)
        {
            var source = SourceValidator.Validate(url, cameraOptions.Value);
            urlError = source.IsValid ? null : source.Error;
        }

        var trackingErrors = CameraTracking.Check(inferenceOptions.Value.Tracking, tracking);
        return Task.FromResult(models.TryGet(model, inference.PrimaryDevice, out var detector, out var modelError)
            ? new CameraSpecCheck { UrlError = urlError, Labels = detector!.Model.Labels, TrackingErrors = trackingErrors }
            : new CameraSpecCheck { UrlError = urlError, ModelError = modelError ?? $"model '{model}' cannot be used", TrackingErrors = trackingErrors });
    }
}
