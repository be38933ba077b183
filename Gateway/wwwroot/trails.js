// Short trails of tracked objects: where each track's reference point (the bottom centre of its box, where an object
// stands, as zones and lines count it by default) was over the last two seconds of the camera's own time.
//
// Keyed by (epoch, trackId): ids restart at 1 when the camera's capture restarts, and an old id must not join a new
// object's trail. Points are kept in frame coordinates 0..1 so a resized overlay needs nothing recomputed.

import { colourOf } from './palette.js';

const keepMs = 2000;

export class Trails {
  #tracks = new Map(); // key → { label, points: [{ t, x, y }] }

  clear() {
    this.#tracks.clear();
  }

  /** Adds the tracked detections of <frame> and forgets points older than two seconds before it. */
  add(frame) {
    if (!(frame?.width > 0 && frame?.height > 0)) {
      return;
    }

    const parsed = Date.parse(frame.timestamp);
    const t = Number.isFinite(parsed) ? parsed : Date.now();
    for (const d of frame.detections ?? []) {
      if (d.trackId == null) {
        continue;
      }

      const key = `${frame.epoch ?? 0}:${d.trackId}`;
      let track = this.#tracks.get(key);
      if (!track) {
        track = { label: d.label, points: [] };
        this.#tracks.set(key, track);
      }

      track.points.push({ t, x: (d.box.x1 + d.box.x2) / 2 / frame.width, y: d.box.y2 / frame.height });
    }

    for (const [key, track] of this.#tracks) {
      const old = track.points.findIndex((p) => p.t >= t - keepMs);
      if (old < 0 || track.points[0].t > t) {
        this.#tracks.delete(key); // gone for two seconds, or from before a jump back (a replay from an older position)
      } else if (old > 0) {
        track.points.splice(0, old);
      }
    }
  }

  draw(g, width, height, ratio) {
    g.save();
    g.lineJoin = 'round';
    g.lineCap = 'round';
    g.lineWidth = Math.max(2, 2 * ratio);
    g.globalAlpha = 0.8;
    for (const track of this.#tracks.values()) {
      if (track.points.length < 2) {
        continue;
      }

      g.strokeStyle = colourOf(track.label);
      g.beginPath();
      track.points.forEach((p, i) => (i === 0 ? g.moveTo(p.x * width, p.y * height) : g.lineTo(p.x * width, p.y * height)));
      g.stroke();
    }

    g.restore();
  }
}
