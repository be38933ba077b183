// One small time chart, drawn on a canvas at device pixels, shared by every chart of the page (detections per minute,
// zone occupancy, line crossings) so they read alike: a value axis with 0, half and a rounded maximum, one slot per
// time bucket, and the first, middle and last bucket's time under it.
//
// Two ways to draw a bucket's values: 'stacked' bars (counts that add up: detections of each class, crossings of each
// line and direction) and 'level' lines, one per series (levels that do not add up: objects inside each zone, where
// one object may be in two overlapping zones).

import { clearedContext } from './canvas.js';
import { colourOf } from './palette.js';

const axisColour = '#8b98a9';
const gridColour = '#263242';

/**
 * Draws `buckets` ([{start(ms), counts: Map(series → value)}], oldest first) on `canvas` and returns the series in
 * drawing order, largest total first, with their totals and peaks: {labels, totals: Map, peaks: Map, points}. `points`
 * counts the non-zero values drawn (tests and the page read it from the canvas's data-points).
 * Options: mode ('stacked' | 'level'), colour(series) (default: the class palette), empty (text with no buckets),
 * order (series in the order wanted, else largest total first).
 */
export function drawTimeChart(canvas, buckets, { mode = 'stacked', colour = colourOf, empty = 'Loading…', order = null } = {}) {
  const { g, width, height, ratio } = clearedContext(canvas);
  const totals = new Map();
  const peaks = new Map();
  for (const bucket of buckets) {
    for (const [label, n] of bucket.counts) {
      totals.set(label, (totals.get(label) ?? 0) + n);
      peaks.set(label, Math.max(peaks.get(label) ?? 0, n));
    }
  }

  const labels = order ? order.filter((l) => totals.has(l))
    : [...totals.keys()].sort((a, b) => totals.get(b) - totals.get(a) || a.localeCompare(b));
  // The axis and the points count only the series drawn.
  let peak = 0;
  let points = 0;
  for (const bucket of buckets) {
    let sum = 0;
    for (const label of labels) {
      const n = bucket.counts.get(label) ?? 0;
      sum = mode === 'stacked' ? sum + n : Math.max(sum, n);
      points += n > 0 ? 1 : 0;
    }

    peak = Math.max(peak, sum);
  }

  canvas.dataset.points = String(points);
  const result = { labels, totals, peaks, points };

  const font = Math.round(11 * ratio);
  g.font = `${font}px system-ui, sans-serif`;
  g.fillStyle = axisColour;
  const left = Math.round(44 * ratio);
  const bottom = Math.round(18 * ratio);
  const top = Math.round(8 * ratio);
  const plotW = width - left - Math.round(6 * ratio);
  const plotH = height - top - bottom;
  if (plotW <= 0 || plotH <= 0) {
    return result;
  }

  // Axis: 0, half and a rounded maximum.
  const max = niceCeiling(Math.max(peak, 1));
  g.strokeStyle = gridColour;
  g.lineWidth = 1;
  g.textAlign = 'right';
  g.textBaseline = 'middle';
  for (const value of [0, max / 2, max]) {
    const y = top + plotH - (value / max) * plotH;
    g.beginPath();
    g.moveTo(left, Math.round(y) + 0.5);
    g.lineTo(left + plotW, Math.round(y) + 0.5);
    g.stroke();
    g.fillText(formatCount(value), left - 6 * ratio, y);
  }

  if (buckets.length === 0) {
    g.textAlign = 'center';
    g.fillText(empty, left + plotW / 2, top + plotH / 2);
    return result;
  }

  const slot = plotW / buckets.length;
  if (mode === 'stacked') {
    const barW = Math.max(1, slot * 0.8);
    buckets.forEach((bucket, i) => {
      let y = top + plotH;
      for (const label of labels) {
        const n = bucket.counts.get(label) ?? 0;
        if (n > 0) {
          const h = (n / max) * plotH;
          g.fillStyle = colour(label);
          g.fillRect(left + i * slot + (slot - barW) / 2, y - h, barW, h);
          y -= h;
        }
      }
    });
  } else {
    // A bucket without a value for a series is a gap in its line (not sampled then), not a zero.
    g.lineWidth = Math.max(1, 1.5 * ratio);
    g.lineJoin = 'round';
    for (const label of labels) {
      g.strokeStyle = colour(label);
      g.fillStyle = colour(label);
      g.beginPath();
      let drawing = false;
      let run = 0;
      let lastY = 0;
      buckets.forEach((bucket, i) => {
        const n = bucket.counts.get(label);
        if (n === undefined) {
          if (run === 1) {
            g.fillRect(left + (i - 0.5) * slot - ratio, lastY - ratio, 2 * ratio, 2 * ratio); // a lone sample: a dot
          }

          drawing = false;
          run = 0;
          return;
        }

        const x = left + (i + 0.5) * slot;
        const y = top + plotH - (n / max) * plotH;
        if (drawing) {
          g.lineTo(x, y);
        } else {
          g.moveTo(x, y);
          drawing = true;
        }

        lastY = y;
        run++;
      });
      if (run === 1) {
        g.fillRect(left + (buckets.length - 0.5) * slot - ratio, lastY - ratio, 2 * ratio, 2 * ratio);
      }

      g.stroke();
    }
  }

  // Time labels: first, middle and last bucket.
  g.fillStyle = axisColour;
  g.textBaseline = 'top';
  const timeOf = (ms) => new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const marks = [[0, 'left'], [Math.floor(buckets.length / 2), 'center'], [buckets.length - 1, 'right']];
  for (const [index, align] of marks) {
    g.textAlign = align;
    const x = align === 'left' ? left : align === 'right' ? left + plotW : left + (index + 0.5) * slot;
    g.fillText(timeOf(buckets[index].start), x, top + plotH + 4 * ratio);
  }

  return result;
}

/** A legend of swatches and texts: items [{label, text}] in the series' colours. */
export function renderLegend(legend, items, { colour = colourOf, none = '' } = {}) {
  legend.replaceChildren(...items.map(({ label, text }) => {
    const item = document.createElement('li');
    item.dataset.series = label;
    const swatch = document.createElement('span');
    swatch.className = 'swatch';
    swatch.style.background = colour(label);
    swatch.setAttribute('aria-hidden', 'true');
    const body = document.createElement('span');
    body.textContent = text;
    item.append(swatch, body);
    return item;
  }));
  if (items.length === 0 && none) {
    const item = document.createElement('li');
    item.className = 'muted';
    item.textContent = none;
    legend.append(item);
  }
}

function niceCeiling(value) {
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) {
    if (step * power >= value) {
      return step * power;
    }
  }

  return 10 * power;
}

function formatCount(value) {
  return value >= 10000 ? `${Math.round(value / 1000)}k` : value >= 1000 ? `${(value / 1000).toFixed(1)}k` : String(Math.round(value * 10) / 10);
}
