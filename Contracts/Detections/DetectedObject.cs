namespace VideoAnalytics.Contracts.Detections;

/// <summary>One object found in a frame.</summary>
/// <param name="ClassId">Index into the model's labels.</param>
/// <param name="Label">The class name.</param>
/// <param name="Score">Confidence, 0–1.</param>
/// <param name="Box">Corners in source-frame pixels.</param>
/// <param name="TrackId">
/// The camera's tracker id of the object (<c>trackId</c>): the same number on every frame while the object stays on
/// one confirmed track. Null for an object on no confirmed track (seen for the first time, a lone low score) and for
/// one-off images (<c>POST /api/detect</c>). Ids are per camera activation: they start again from 1 when the camera
/// restarts or moves to another silo.
/// </param>
[GenerateSerializer, Immutable]
public sealed record DetectedObject(int ClassId, string Label, float Score, BoundingBox Box, int? TrackId = null);
