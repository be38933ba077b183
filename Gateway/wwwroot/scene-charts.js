// The watched camera's zones and lines over the last ten minutes, in the time chart the detections use:
// - zone occupancy: objects inside each zone, a line per zone, sampled from the camera's `scene` counts each time the
//   zones-and-lines panel reads them (every 3 s), the highest sample of each 10 s kept. Occupancy is a level, not an
//   event count, and the gateway keeps no history of it, so the chart starts when the page starts watching.
// - line crossings per minute, in and out for each line, counted from the scene events the event log receives (its
//   history read included), so the chart covers the last ten minutes at once.
// Each chart's legend carries its numbers as text (now and peak, in and out), and the canvas an aria-label saying the
// same: the bars and lines are for the eye, the numbers for everyone.

import { drawTimeChart, renderLegend } from './time-chart.js';
import { colourOf } from './palette.js';

const windowMs = 10 * 60 * 1000;
const occupancyBucketMs = 10 * 1000;
const crossingBucketMs = 60 * 1000;
const redrawMs = 5000;

export class SceneCharts {
  #el;
  #camera = null;
  #occupancy = new Map(); // bucket start → Map(zone → highest total sampled)
  #latest = new Map(); // zone → total in the newest sample
  #crossings = new Map(); // bucket start → Map(`${line} in|out` → n)
  #zones = null; // zone names in the camera's order, once read
  #lines = []; // line names in the camera's order (before the first read: those events name)
  #specRead = false;
  #drawPending = false;

  /** @param elements {occupancy, occupancyLegend, crossings, crossingsLegend} */
  constructor(elements) {
    this.#el = elements;
    new ResizeObserver(() => this.#scheduleDraw()).observe(elements.occupancy);
    new ResizeObserver(() => this.#scheduleDraw()).observe(elements.crossings);
    // The window slides even when nothing happens.
    setInterval(() => this.#scheduleDraw(), redrawMs);
  }

  setCamera(id) {
    if (id === this.#camera) {
      return;
    }

    this.#camera = id;
    this.#occupancy = new Map();
    this.#latest = new Map();
    this.#crossings = new Map();
    this.#zones = null;
    this.#lines = [];
    this.#specRead = false;
    this.#scheduleDraw();
  }

  /** A read of GET /api/cameras/{id}: its zones' occupancy now. */
  recordScene(camera) {
    if (!camera || camera.id !== this.#camera) {
      return;
    }

    // The charts show the camera's zones and lines as they are now: a deleted line's old crossings (still in the
    // events history) would read as a line that is not there.
    this.#zones = (camera.zones ?? []).map((z) => z.name);
    this.#lines = (camera.lines ?? []).map((l) => l.name);
    this.#specRead = true;
    const start = bucketOf(Date.now(), occupancyBucketMs);
    let bucket = this.#occupancy.get(start);
    if (!bucket) {
      bucket = new Map();
      this.#occupancy.set(start, bucket);
      prune(this.#occupancy);
    }

    this.#latest = new Map();
    if (camera.state === 'streaming') {
      for (const zone of camera.zones ?? []) {
        const byClass = camera.scene?.occupancy?.[zone.name] ?? {};
        const total = Object.values(byClass).reduce((sum, n) => sum + Number(n), 0);
        this.#latest.set(zone.name, total);
        bucket.set(zone.name, Math.max(bucket.get(zone.name) ?? 0, total));
      }
    }

    this.#scheduleDraw();
  }

  /** A scene event of the camera (from the event log): crossings are counted per minute. */
  recordEvent(cameraId, e) {
    if (cameraId !== this.#camera || e.type !== 'line.cross' || !Number.isFinite(e.atMs) || e.atMs < Date.now() - windowMs - crossingBucketMs) {
      return;
    }

    const start = bucketOf(e.atMs, crossingBucketMs);
    let bucket = this.#crossings.get(start);
    if (!bucket) {
      bucket = new Map();
      this.#crossings.set(start, bucket);
      prune(this.#crossings);
    }

    const series = `${e.name} ${e.direction === 'out' ? 'out' : 'in'}`;
    bucket.set(series, (bucket.get(series) ?? 0) + 1);
    if (!this.#specRead && !this.#lines.includes(e.name)) {
      this.#lines.push(e.name);
    }

    this.#scheduleDraw();
  }

  #scheduleDraw() {
    if (!this.#drawPending) {
      this.#drawPending = true;
      requestAnimationFrame(() => {
        this.#drawPending = false;
        this.#drawOccupancy();
        this.#drawCrossings();
      });
    }
  }

  #drawOccupancy() {
    const buckets = windowOf(this.#occupancy, occupancyBucketMs, this.#camera);
    const canvas = this.#el.occupancy;
    const { peaks } = drawTimeChart(canvas, buckets, { mode: 'level', order: this.#zones ?? [], empty: this.#camera ? 'Waiting for counts…' : 'Choose a camera.' });
    const zones = this.#zones ?? [];
    renderLegend(this.#el.occupancyLegend, zones.map((zone) => ({
      label: zone,
      text: `${zone}: ${this.#latest.get(zone) ?? 0} now, peak ${peaks.get(zone) ?? 0}`,
    })), { none: this.#camera ? 'No zones.' : '' });
    canvas.setAttribute('aria-label', zones.length === 0 ? 'No zone occupancy yet'
      : `Objects in each zone over the last 10 minutes: ${zones.map((z) => `${z} now ${this.#latest.get(z) ?? 0}, peak ${peaks.get(z) ?? 0}`).join('; ')}`);
  }

  #drawCrossings() {
    const buckets = windowOf(this.#crossings, crossingBucketMs, this.#camera);
    const canvas = this.#el.crossings;
    const order = this.#lines.flatMap((line) => [`${line} in`, `${line} out`]);
    const { totals } = drawTimeChart(canvas, buckets, { colour: crossingColour, order, empty: this.#camera ? 'Loading…' : 'Choose a camera.' });
    const count = (line, direction) => totals.get(`${line} ${direction}`) ?? 0;
    renderLegend(this.#el.crossingsLegend, this.#lines.map((line) => ({
      label: `${line} in`,
      text: `${line}: in ${count(line, 'in')} · out ${count(line, 'out')}`,
    })), { colour: crossingColour, none: this.#camera ? 'No lines.' : '' });
    for (const item of this.#el.crossingsLegend.children) {
      if (item.dataset.series) {
        item.dataset.line = item.dataset.series.replace(/ in$/, '');
        item.dataset.in = String(count(item.dataset.line, 'in'));
        item.dataset.out = String(count(item.dataset.line, 'out'));
      }
    }

    canvas.setAttribute('aria-label', this.#lines.length === 0 ? 'No counting lines'
      : `Line crossings in the last 10 minutes: ${this.#lines.map((l) => `${l} in ${count(l, 'in')}, out ${count(l, 'out')}`).join('; ')}`);
  }
}

// In: the line's colour; out: the same, half transparent (the legend's swatch shows the line's colour).
function crossingColour(series) {
  const out = series.endsWith(' out');
  const colour = colourOf(series.replace(/ (in|out)$/, ''));
  return out ? `${colour}80` : colour;
}

function bucketOf(ms, size) {
  return Math.floor(ms / size) * size;
}

function prune(buckets) {
  const oldest = Date.now() - windowMs - 60 * 1000;
  for (const start of buckets.keys()) {
    if (start < oldest) {
      buckets.delete(start);
    }
  }
}

// Every bucket of the last ten minutes, oldest first, empty ones included (the time axis stays even).
function windowOf(buckets, size, camera) {
  if (!camera) {
    return [];
  }

  const last = bucketOf(Date.now(), size);
  const result = [];
  for (let start = last - windowMs + size; start <= last; start += size) {
    result.push({ start, counts: buckets.get(start) ?? new Map() });
  }

  return result;
}
