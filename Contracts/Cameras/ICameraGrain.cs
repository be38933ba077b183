using Orleans.Concurrency;

namespace VideoAnalytics.Contracts.Cameras;

/// <summary>
/// The control plane of one camera, keyed by camera id. Its activation lives on the silo placement picks for it
/// (spread over the silos by capacity); capture and inference run in that silo, and the grain's turns only start,
/// edit and stop them. The keeper of every silo calls <see cref="RunAsync"/> for each enabled camera, so a camera
/// whose silo died is activated again on a survivor.
/// </summary>
public interface ICameraGrain : IGrainWithStringKey
{
    /// <summary>
    /// Runs the camera as <paramref name="spec"/> says: starts capturing here, or applies an edit to the running
    /// capture. Answers <see cref="CameraRunResult.Moving"/> when placement now wants the camera on another silo:
    /// this activation stopped and deactivates, and the caller's next call places it anew.
    /// </summary>
    Task<CameraRunResult> RunAsync(CameraSpec spec);

    /// <summary>The camera was disabled: stop capturing, report it stopped and deactivate.</summary>
    Task StopAsync();

    /// <summary>The camera was removed: stop capturing, delete its detection stream and status, and deactivate.</summary>
    Task RemoveAsync();

    /// <summary>The camera's current condition as this activation sees it.</summary>
    Task<CameraStatus> GetStatusAsync();

    /// <summary>
    /// The camera's next analysed frame as a JPEG, with its detections drawn when <paramref name="drawBoxes"/> (else
    /// the picture as captured, for a viewer that draws the boxes itself); null when the camera is not running or no
    /// frame was analysed within <paramref name="timeout"/>. Frames are drawn and encoded only while someone waits.
    /// Interleaves with the grain's other calls: waiting for a frame holds up no control call.
    /// </summary>
    [AlwaysInterleave]
    Task<AnnotatedFrame?> NextAnnotatedFrameAsync(TimeSpan timeout, bool drawBoxes);
}
