// Service health from the Prometheus text at GET /metrics: inference batch size, inference latency, dropped frames.
// "Now" figures are the change since the previous poll; the others are since the service started.

import { apiFetch } from './api.js';

/** Parses Prometheus text exposition into [{name, labels, value}]. */
export function parsePrometheus(text) {
  const samples = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) {
      continue;
    }

    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)/.exec(line);
    if (!match) {
      continue;
    }

    const labels = {};
    for (const pair of (match[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[pair[1]] = pair[2].replace(/\\(.)/g, (_, c) => (c === 'n' ? '\n' : c));
    }

    const value = match[4] === '+Inf' ? Infinity : match[4] === '-Inf' ? -Infinity : Number(match[4]);
    samples.push({ name: match[1], labels, value });
  }

  return samples;
}

/**
 * A histogram summed over its series (devices, models). The exporter may append a unit to the base name
 * (va_inference_latency_milliseconds_sum), so any name of the form base[_unit]_(sum|count|bucket) belongs to it.
 */
export function histogram(samples, base) {
  const pattern = new RegExp(`^${base}(?:_([a-z]+))?_(sum|count|bucket)$`);
  const result = { sum: 0, count: 0, buckets: new Map(), unit: null, found: false };
  for (const s of samples) {
    const match = pattern.exec(s.name);
    if (!match || !Number.isFinite(s.value)) {
      continue;
    }

    result.found = true;
    result.unit ??= match[1] ?? null;
    if (match[2] === 'sum') {
      result.sum += s.value;
    } else if (match[2] === 'count') {
      result.count += s.value;
    } else {
      const le = s.labels.le === '+Inf' ? Infinity : Number(s.labels.le);
      result.buckets.set(le, (result.buckets.get(le) ?? 0) + s.value);
    }
  }

  return result;
}

/** A counter summed over its series, with a breakdown by one label. */
export function counter(samples, base, byLabel) {
  const pattern = new RegExp(`^${base}(?:_[a-z]+)?(?:_total)?$`);
  const result = { total: 0, by: new Map(), found: false };
  for (const s of samples) {
    if (!pattern.test(s.name) || !Number.isFinite(s.value)) {
      continue;
    }

    result.found = true;
    result.total += s.value;
    const key = s.labels[byLabel] ?? 'other';
    result.by.set(key, (result.by.get(key) ?? 0) + s.value);
  }

  return result;
}

/** The upper bound of the bucket holding quantile q of cumulative buckets (le → count). */
function quantileBound(buckets, q) {
  const bounds = [...buckets.keys()].sort((a, b) => a - b);
  const total = bounds.length ? buckets.get(bounds[bounds.length - 1]) : 0;
  if (!(total > 0)) {
    return null;
  }

  for (const le of bounds) {
    if (buckets.get(le) >= q * total) {
      return le;
    }
  }

  return null;
}

function minus(now, before) {
  if (!before || now.count < before.count) {
    return null; // first poll, or the service restarted
  }

  const buckets = new Map();
  for (const [le, n] of now.buckets) {
    buckets.set(le, n - (before.buckets.get(le) ?? 0));
  }

  return { sum: now.sum - before.sum, count: now.count - before.count, buckets };
}

const number = (value, digits = 1) => value.toLocaleString(undefined, { maximumFractionDigits: digits });

export class HealthPanel {
  #el;
  #previous = null;

  /** @param elements {values, unavailable, batch, latency, drops, note} */
  constructor(elements) {
    this.#el = elements;
  }

  async refresh() {
    let response;
    try {
      response = await apiFetch('/metrics', { headers: { Accept: 'text/plain' } });
    } catch {
      this.#unavailable('Metrics unavailable: the gateway cannot be reached.');
      return;
    }

    if (!response.ok) {
      this.#unavailable(response.status === 404 ? 'Metrics unavailable: this gateway does not serve /metrics.'
        : response.status === 401 || response.status === 403 ? 'Metrics unavailable: the API key is missing or not allowed.'
        : `Metrics unavailable (HTTP ${response.status}).`);
      return;
    }

    const samples = parsePrometheus(await response.text());
    const now = {
      at: performance.now(),
      batch: histogram(samples, 'va_inference_batch_size'),
      latency: histogram(samples, 'va_inference_latency'),
      drops: counter(samples, 'va_camera_frames_dropped', 'reason'),
    };
    const before = this.#previous;
    this.#previous = now;
    this.#el.unavailable.hidden = true;
    this.#el.values.hidden = false;
    const seconds = before ? (now.at - before.at) / 1000 : 0;

    this.#el.batch.textContent = this.#describeBatch(now.batch, minus(now.batch, before?.batch), seconds);
    this.#el.latency.textContent = this.#describeLatency(now.latency, minus(now.latency, before?.latency));
    this.#el.drops.textContent = this.#describeDrops(now.drops, before?.drops, seconds);
    this.#el.note.textContent = before ? `"now" = the last ${Math.round(seconds)} s; others since the service started.` : '';
  }

  #describeBatch(all, recent, seconds) {
    if (!all.found || all.count === 0) {
      return all.found ? 'no batches yet' : 'not reported';
    }

    const parts = [];
    if (recent && recent.count > 0) {
      parts.push(`${number(recent.sum / recent.count)} frames/batch now`);
      if (seconds > 0) {
        parts.push(`${number(recent.count / seconds)} batches/s`);
      }
    } else if (recent) {
      parts.push('idle now');
    }

    parts.push(`${number(all.sum / all.count)} average`);
    return parts.join(' · ');
  }

  #describeLatency(all, recent) {
    if (!all.found || all.count === 0) {
      return all.found ? 'no inferences yet' : 'not reported';
    }

    // The meter records milliseconds; an exporter naming the unit seconds gets converted.
    const scale = all.unit === 'seconds' || all.unit === 's' ? 1000 : 1;
    const ms = (value) => `${number(value * scale, value * scale < 10 ? 1 : 0)} ms`;
    const parts = [];
    const window = recent && recent.count > 0 ? recent : all;
    if (recent && recent.count > 0) {
      parts.push(`${ms(recent.sum / recent.count)} average now`);
    }

    const p95 = quantileBound(window.buckets, 0.95);
    if (p95 !== null && Number.isFinite(p95)) {
      parts.push(`p95 ≤ ${ms(p95)}`);
    }

    parts.push(`${ms(all.sum / all.count)} overall`);
    return parts.join(' · ');
  }

  #describeDrops(all, before, seconds) {
    if (!all.found) {
      return 'none reported';
    }

    const parts = [`${number(all.total, 0)} total`];
    if (before && seconds > 0 && all.total >= before.total) {
      parts.push(`${number((all.total - before.total) / seconds)}/s now`);
    }

    const reasons = [...all.by.entries()].filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
    if (reasons.length > 0) {
      parts.push(reasons.map(([reason, n]) => `${reason} ${number(n, 0)}`).join(', '));
    }

    return parts.join(' · ');
  }

  #unavailable(text) {
    this.#previous = null;
    this.#el.values.hidden = true;
    this.#el.unavailable.hidden = false;
    this.#el.unavailable.textContent = text;
    this.#el.note.textContent = '';
  }
}
