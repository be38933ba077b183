using System.Globalization;
using VideoAnalytics.Inference.Tracking;

namespace VideoAnalytics.Inference.Evaluation;

/// <summary>
/// Multi-object tracking figures of a recording against ground truth with identities: CLEAR-MOT (Bernardin and
/// Stiefelhagen 2008: MOTA, MOTP, ID switches; fragmentations as in Li et al. 2009 and the MOTChallenge kit) and the
/// identity measures of Ristani et al. 2016 (IDF1, IDP, IDR). The tracker's output is the detections that carry a
/// track id; detections without one (tentative, one-off) are not part of it.
/// </summary>
public static class TrackingEvaluator
{
    /// <param name="groundTruth">Annotated frames whose objects carry <see cref="GroundTruthObject.Id"/>.</param>
    /// <param name="detections">Recorded frames; see <see cref="DetectionEvaluator.Evaluate"/> for how they are paired.</param>
    /// <param name="options">Camera, score filter and frame selection (<see cref="EvaluationOptions"/>).</param>
    /// <param name="iouThreshold">A tracked box matches a ground-truth box of its label at IoU ≥ this (MOTChallenge: 0.5).</param>
    /// <exception cref="ArgumentException">A frame repeats, a ground-truth object has no id, or an id repeats in a frame.</exception>
    public static TrackingResult Evaluate(
        IEnumerable<GroundTruthFrame> groundTruth, IEnumerable<DetectedFrame> detections, EvaluationOptions? options = null, double iouThreshold = 0.5)
    {
        ArgumentNullException.ThrowIfNull(groundTruth);
        ArgumentNullException.ThrowIfNull(detections);
        options ??= EvaluationOptions.Default;
        options.Validate();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(iouThreshold);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(iouThreshold, 1);

        var truthByFrame = DetectionEvaluator.IndexGroundTruth(groundTruth);
        var detectionsByFrame = DetectionEvaluator.IndexDetections(detections, options.CameraId);
        var frames = new List<long>(truthByFrame.Keys);
        frames.Sort();

        var gtTracks = new Dictionary<int, TruthTrack>();
        var hypLength = new Dictionary<int, int>();
        var overlap = new Dictionary<(int Truth, int Track), int>();
        var assignment = new LinearAssignment();
        var evaluated = 0;
        int gtBoxes = 0, hypBoxes = 0, matches = 0, fp = 0, fn = 0, switches = 0, fragmentations = 0;
        var iouSum = 0.0;
        var truths = new List<GroundTruthObject>();
        var hyps = new List<DetectedObject>();
        var seenIds = new HashSet<int>();
        foreach (var frameIndex in frames)
        {
            if (!detectionsByFrame.TryGetValue(frameIndex, out var detected) && options.Frames == FrameSelection.OnlyDetectedFrames)
            {
                continue;
            }

            evaluated++;
            truths.Clear();
            hyps.Clear();
            seenIds.Clear();
            foreach (var o in truthByFrame[frameIndex].Objects)
            {
                var id = o.Id ?? throw new ArgumentException(string.Create(
                    CultureInfo.InvariantCulture, $"Ground truth frame {frameIndex} has an object without an id; tracking needs ground truth with identities."));
                if (!seenIds.Add(id))
                {
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Ground truth frame {frameIndex} has id {id} twice."));
                }

                truths.Add(o);
            }

            seenIds.Clear();
            foreach (var d in detected?.Detections ?? [])
            {
                if (d.TrackId is not { } id || d.Score < options.MinScore)
                {
                    continue;
                }

                if (!seenIds.Add(id))
                {
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Detections of frame {frameIndex} have track id {id} twice."));
                }

                hyps.Add(d);
                hypLength[id] = hypLength.GetValueOrDefault(id) + 1;
            }

            gtBoxes += truths.Count;
            hypBoxes += hyps.Count;

            // Identity measures count every pair that matches in a frame, whatever CLEAR-MOT paired it with.
            var iou = new double[truths.Count * hyps.Count];
            for (var g = 0; g < truths.Count; g++)
            {
                for (var h = 0; h < hyps.Count; h++)
                {
                    var value = string.Equals(truths[g].Label, hyps[h].Label, StringComparison.Ordinal)
                        ? PixelBox.IntersectionOverUnion(truths[g].Box, hyps[h].Box)
                        : 0;
                    iou[(g * hyps.Count) + h] = value;
                    if (value >= iouThreshold)
                    {
                        var key = (truths[g].Id!.Value, hyps[h].TrackId!.Value);
                        overlap[key] = overlap.GetValueOrDefault(key) + 1;
                    }
                }
            }

            // CLEAR-MOT: a pairing from an earlier frame that still matches is kept; the rest are paired by least
            // total 1 − IoU; a ground-truth object paired with another track than its last one is an ID switch.
            var truthPair = new int[truths.Count];
            Array.Fill(truthPair, -1);
            var hypTaken = new bool[hyps.Count];
            for (var g = 0; g < truths.Count; g++)
            {
                if (!gtTracks.TryGetValue(truths[g].Id!.Value, out var track) || track.LastTrack is not { } last)
                {
                    continue;
                }

                for (var h = 0; h < hyps.Count; h++)
                {
                    if (!hypTaken[h] && hyps[h].TrackId == last && iou[(g * hyps.Count) + h] >= iouThreshold)
                    {
                        truthPair[g] = h;
                        hypTaken[h] = true;
                        break;
                    }
                }
            }

            var openTruth = new List<int>();
            var openHyp = new List<int>();
            for (var g = 0; g < truths.Count; g++)
            {
                if (truthPair[g] < 0)
                {
                    openTruth.Add(g);
                }
            }

            for (var h = 0; h < hyps.Count; h++)
            {
                if (!hypTaken[h])
                {
                    openHyp.Add(h);
                }
            }

            if (openTruth.Count > 0 && openHyp.Count > 0)
            {
                var cost = new double[openTruth.Count * openHyp.Count];
                for (var r = 0; r < openTruth.Count; r++)
                {
                    for (var c = 0; c < openHyp.Count; c++)
                    {
                        var value = iou[(openTruth[r] * hyps.Count) + openHyp[c]];
                        cost[(r * openHyp.Count) + c] = value >= iouThreshold ? 1 - value : LinearAssignment.Forbidden;
                    }
                }

                var rowToColumn = new int[openTruth.Count];
                assignment.Solve(cost, openTruth.Count, openHyp.Count, rowToColumn);
                for (var r = 0; r < openTruth.Count; r++)
                {
                    if (rowToColumn[r] >= 0)
                    {
                        truthPair[openTruth[r]] = openHyp[rowToColumn[r]];
                        hypTaken[openHyp[rowToColumn[r]]] = true;
                    }
                }
            }

            for (var g = 0; g < truths.Count; g++)
            {
                var id = truths[g].Id!.Value;
                if (!gtTracks.TryGetValue(id, out var track))
                {
                    track = new TruthTrack();
                    gtTracks.Add(id, track);
                }

                track.Frames++;
                var h = truthPair[g];
                if (h < 0)
                {
                    fn++;
                    if (track.MatchedLastTime)
                    {
                        track.Interrupted = true;
                    }

                    track.MatchedLastTime = false;
                    continue;
                }

                matches++;
                track.Matched++;
                iouSum += iou[(g * hyps.Count) + h];
                var trackId = hyps[h].TrackId!.Value;
                if (track.LastTrack is { } last && last != trackId)
                {
                    switches++;
                }

                if (track.Interrupted)
                {
                    fragmentations++;
                    track.Interrupted = false;
                }

                track.LastTrack = trackId;
                track.MatchedLastTime = true;
            }

            foreach (var taken in hypTaken)
            {
                fp += taken ? 0 : 1;
            }
        }

        // IDF1: one-to-one pairing of ground-truth and tracker trajectories that maximises the frames they match in.
        var truthIds = new List<int>(gtTracks.Keys);
        var trackIds = new List<int>(hypLength.Keys);
        var idTruePositives = 0;
        if (truthIds.Count > 0 && trackIds.Count > 0)
        {
            var cost = new double[truthIds.Count * trackIds.Count];
            for (var g = 0; g < truthIds.Count; g++)
            {
                for (var h = 0; h < trackIds.Count; h++)
                {
                    cost[(g * trackIds.Count) + h] = -overlap.GetValueOrDefault((truthIds[g], trackIds[h]));
                }
            }

            var rowToColumn = new int[truthIds.Count];
            assignment.Solve(cost, truthIds.Count, trackIds.Count, rowToColumn);
            for (var g = 0; g < truthIds.Count; g++)
            {
                if (rowToColumn[g] >= 0)
                {
                    idTruePositives += overlap.GetValueOrDefault((truthIds[g], trackIds[rowToColumn[g]]));
                }
            }
        }

        var mostlyTracked = 0;
        var mostlyLost = 0;
        foreach (var track in gtTracks.Values)
        {
            var ratio = track.Matched / (double)track.Frames;
            mostlyTracked += ratio >= 0.8 ? 1 : 0;
            mostlyLost += ratio < 0.2 ? 1 : 0;
        }

        return new TrackingResult
        {
            FramesEvaluated = evaluated,
            GroundTruthObjects = gtBoxes,
            TrackedObjects = hypBoxes,
            GroundTruthTracks = gtTracks.Count,
            Tracks = hypLength.Count,
            Matches = matches,
            FalsePositives = fp,
            FalseNegatives = fn,
            IdSwitches = switches,
            Fragmentations = fragmentations,
            MostlyTracked = mostlyTracked,
            MostlyLost = mostlyLost,
            Mota = gtBoxes > 0 ? 1 - ((fn + fp + switches) / (double)gtBoxes) : null,
            Motp = matches > 0 ? iouSum / matches : null,
            IdTruePositives = idTruePositives,
            IdFalsePositives = hypBoxes - idTruePositives,
            IdFalseNegatives = gtBoxes - idTruePositives,
            Idf1 = gtBoxes + hypBoxes > 0 ? 2.0 * idTruePositives / (gtBoxes + hypBoxes) : null,
            IdPrecision = hypBoxes > 0 ? idTruePositives / (double)hypBoxes : null,
            IdRecall = gtBoxes > 0 ? idTruePositives / (double)gtBoxes : null,
        };
    }

    /// <summary>What CLEAR-MOT remembers of one ground-truth trajectory.</summary>
    private sealed class TruthTrack
    {
        public int Frames { get; set; }

        public int Matched { get; set; }

        /// <summary>The track it was last paired with, ever (an ID switch is a pairing with another).</summary>
        public int? LastTrack { get; set; }

        public bool MatchedLastTime { get; set; }

        /// <summary>Tracked, then missed: a fragmentation once it is tracked again.</summary>
        public bool Interrupted { get; set; }
    }
}
