using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using VideoAnalytics.Silo.Pipeline;

namespace VideoAnalytics.Silo.Telemetry;

/// <summary>
/// <c>va.zone.occupancy</c> (tags <c>camera</c>, <c>zone</c>, <c>class</c>): objects in each zone now, read at each
/// scrape from the <see cref="FrameSlot.SceneCounts"/> snapshots of the cameras this silo runs.
/// </summary>
/// <remarks>
/// <para>Observable, so a series exists only while the callback returns it: a camera that leaves the silo (its slot is
/// detached, or <see cref="PipelineMetrics.Forget"/> ran) or a zone the operator removed is gone from the next scrape.
/// A zone missing from the camera's current spec is left out even before the next analysed frame has replaced the
/// snapshot, so a removal shows at once.</para>
/// <para>The snapshot lists only the classes inside a zone now; a gauge that vanished whenever its zone emptied would
/// read "no data" rather than 0 on a dashboard. So a class counts 0 while its zone is empty once it has been seen there
/// (remembered per slot, i.e. per activation of the camera), and the classes a zone — or failing that the camera —
/// names count 0 from the start.</para>
/// <para>Runs on the exporter's thread, never the inference worker's: the snapshots are immutable, and the memory of
/// classes seen is guarded for readers (Prometheus, OTLP) scraping at once.</para>
/// </remarks>
public sealed class ZoneOccupancyGauge
{
    public const string Name = "va.zone.occupancy";

    private readonly PipelineMetrics _metrics;
    private readonly Func<IEnumerable<FrameSlot>> _slots;
    private readonly Lock _gate = new();

    // Per slot: the (zone, class) pairs reported so far. Weak, so a detached slot's memory goes with the slot.
    private readonly ConditionalWeakTable<FrameSlot, HashSet<(string Zone, string Class)>> _seen = new();

    /// <param name="metrics">The meter to register on, and which cameras this silo reports.</param>
    /// <param name="slots">The slots attached to this silo's inference workers now.</param>
    public ZoneOccupancyGauge(PipelineMetrics metrics, Func<IEnumerable<FrameSlot>> slots)
    {
        _metrics = metrics;
        _slots = slots;
        metrics.ObserveGauge(Name, "{object}", "Tracked objects in each zone now, by camera, zone and class", Observe);
    }

    internal IEnumerable<Measurement<long>> Observe()
    {
        var measurements = new List<Measurement<long>>();
        lock (_gate)
        {
            foreach (var slot in _slots())
            {
                if (!slot.IsClosed && _metrics.IsTracked(slot.CameraId))
                {
                    Observe(slot, measurements);
                }
            }
        }

        return measurements;
    }

    private void Observe(FrameSlot slot, List<Measurement<long>> measurements)
    {
        var spec = slot.Spec;
        var seen = _seen.GetValue(slot, static _ => []);
        var occupancy = slot.SceneCounts.Occupancy;
        seen.RemoveWhere(key => !occupancy.ContainsKey(key.Zone));
        var reported = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var zone in spec.Zones)
        {
            if (!occupancy.TryGetValue(zone.Name, out var byClass))
            {
                continue; // added since the last analysed frame: counted from the next one
            }

            reported.Clear();
            foreach (var (label, count) in byClass)
            {
                Add(label, count);
                seen.Add((zone.Name, label));
            }

            foreach (var key in seen)
            {
                if (string.Equals(key.Zone, zone.Name, StringComparison.Ordinal))
                {
                    Add(key.Class, 0);
                }
            }

            foreach (var label in zone.Classes.Count > 0 ? zone.Classes : spec.Classes)
            {
                Add(label, 0);
            }

            void Add(string label, long count)
            {
                if (reported.Add(label))
                {
                    measurements.Add(new Measurement<long>(
                        count,
                        new KeyValuePair<string, object?>("camera", slot.CameraId),
                        new KeyValuePair<string, object?>("zone", zone.Name),
                        new KeyValuePair<string, object?>("class", label)));
                }
            }
        }
    }
}
