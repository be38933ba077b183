// Detections per class per minute over the last hour for the watched camera: from GET /api/stats when the gateway
// has it, else counted in the browser from the detection stream since the page loaded.

import { apiFetch } from './api.js';
import { drawTimeChart, renderLegend } from './time-chart.js';

const hourMs = 60 * 60 * 1000;
const bucketMs = 60 * 1000;
const statsRecheckMs = 60 * 1000;

/**
 * Reads a /api/stats response into {bucketMs, buckets:[{start(ms), counts: Map(label → n)}]}, or null when it is not
 * one. Two shapes are understood:
 *   {"bucket":"60s","from":…,"to":…,"series":[{"label":"circle","counts":[{"start":"ISO","count":N},…]}]}
 *   {"bucketSeconds":60,"from":…,"to":…,"buckets":[{"start":"ISO","counts":{"circle":N}}]}
 */
export function readStats(body) {
  if (!body || typeof body !== 'object') {
    return null;
  }

  const byStart = new Map();
  const bucketAt = (iso) => {
    const start = Date.parse(iso);
    if (!Number.isFinite(start)) {
      return null;
    }

    let bucket = byStart.get(start);
    if (!bucket) {
      bucket = { start, counts: new Map() };
      byStart.set(start, bucket);
    }

    return bucket;
  };

  if (Array.isArray(body.series)) {
    for (const series of body.series) {
      for (const point of series?.counts ?? []) {
        const bucket = bucketAt(point?.start);
        if (bucket && Number(point.count) > 0) {
          bucket.counts.set(String(series.label), (bucket.counts.get(String(series.label)) ?? 0) + Number(point.count));
        }
      }
    }
  } else if (Array.isArray(body.buckets)) {
    for (const item of body.buckets) {
      const bucket = bucketAt(item?.start);
      for (const [label, count] of Object.entries(item?.counts ?? {})) {
        if (bucket && Number(count) > 0) {
          bucket.counts.set(label, (bucket.counts.get(label) ?? 0) + Number(count));
        }
      }
    }
  } else {
    return null;
  }

  const buckets = [...byStart.values()].sort((a, b) => a.start - b.start);
  let size = parseDuration(body.bucket) ?? (Number(body.bucketSeconds) > 0 ? Number(body.bucketSeconds) * 1000 : null);
  if (!size && buckets.length > 1) {
    size = buckets[1].start - buckets[0].start;
  }

  return { bucketMs: size || bucketMs, buckets };
}

function parseDuration(text) {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(String(text ?? '').trim());
  if (!match) {
    return null;
  }

  return Number(match[1]) * { ms: 1, s: 1000, m: 60000, h: 3600000 }[match[2]];
}

export class CountsChart {
  #canvas;
  #legend;
  #scope;
  #source;
  #camera = null;
  #data = null;
  #statsMissingSince = null;
  #local = new Map(); // camera → Map(minute start → Map(label → n)), counted since page load
  #pageLoaded = Date.now();
  #localDrawnAt = 0;

  constructor({ canvas, legend, scope, source }) {
    this.#canvas = canvas;
    this.#legend = legend;
    this.#scope = scope;
    this.#source = source;
    new ResizeObserver(() => this.#draw()).observe(canvas);
  }

  setCamera(id) {
    if (id === this.#camera) {
      return;
    }

    this.#camera = id;
    this.#data = null;
    this.#scope.textContent = id ? `— ${id}, last hour` : '';
    this.refresh();
  }

  /** Every frame of the watched camera's stream: the fallback's raw material. */
  recordFrame(frame) {
    let minutes = this.#local.get(frame.cameraId);
    if (!minutes) {
      minutes = new Map();
      this.#local.set(frame.cameraId, minutes);
    }

    const at = Date.parse(frame.timestamp);
    const start = Math.floor((Number.isFinite(at) ? at : Date.now()) / bucketMs) * bucketMs;
    let counts = minutes.get(start);
    if (!counts) {
      counts = new Map();
      minutes.set(start, counts);
      for (const old of minutes.keys()) {
        if (old < start - hourMs) {
          minutes.delete(old);
        }
      }
    }

    for (const d of frame.detections ?? []) {
      counts.set(d.label, (counts.get(d.label) ?? 0) + 1);
    }

    if (this.#statsMissingSince !== null && frame.cameraId === this.#camera && Date.now() - this.#localDrawnAt > 1000) {
      this.#useLocal();
    }
  }

  async refresh() {
    const camera = this.#camera;
    if (!camera) {
      this.#data = null;
      this.#draw();
      return;
    }

    if (this.#statsMissingSince !== null && Date.now() - this.#statsMissingSince < statsRecheckMs) {
      this.#useLocal();
      return;
    }

    const to = new Date();
    const from = new Date(to.getTime() - hourMs);
    const query = new URLSearchParams({ cameras: camera, from: from.toISOString(), to: to.toISOString(), bucket: '60s' });
    let response;
    try {
      response = await apiFetch(`/api/stats?${query}`);
    } catch {
      return; // unreachable gateway: the connection line says so; keep the last chart
    }

    if (camera !== this.#camera) {
      return;
    }

    const stats = response.ok ? readStats(await response.json().catch(() => null)) : null;
    if (stats) {
      this.#statsMissingSince = null;
      this.#data = stats;
      this.#source.textContent = 'From the gateway\'s detection history (GET /api/stats).';
      this.#draw();
    } else if (response.status === 404 || response.ok) {
      this.#statsMissingSince = Date.now();
      this.#useLocal();
    }
  }

  #useLocal() {
    const now = Date.now();
    this.#localDrawnAt = now;
    const last = Math.floor(now / bucketMs) * bucketMs;
    const minutes = this.#local.get(this.#camera) ?? new Map();
    const buckets = [];
    for (let start = last - hourMs + bucketMs; start <= last; start += bucketMs) {
      buckets.push({ start, counts: minutes.get(start) ?? new Map() });
    }

    this.#data = { bucketMs, buckets };
    const since = new Date(this.#pageLoaded).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    this.#source.textContent = `History unavailable on this gateway: counted in this browser since ${since} (while watching this camera).`;
    this.#draw();
  }

  #draw() {
    const { labels, totals } = drawTimeChart(this.#canvas, this.#data?.buckets ?? [], { empty: this.#camera ? 'Loading…' : 'Choose a camera.' });
    renderLegend(this.#legend, labels.map((label) => ({ label, text: `${label}: ${totals.get(label).toLocaleString()}` })),
      { none: this.#data ? 'No detections in this period.' : '' });
    if ((this.#data?.buckets ?? []).length > 0) {
      const summary = labels.length === 0 ? 'No detections in the last hour'
        : `Detections in the last hour: ${labels.map((l) => `${l} ${totals.get(l)}`).join(', ')}`;
      this.#canvas.setAttribute('aria-label', summary);
    }
  }
}
