// Drawing a counting line or a zone on the live view and saving it to the camera.
//
// A line: press at one end and release at the other (a drag), or click both ends. A zone: click its corners; click
// the first corner again, or Done, to close it. Then name it and Save: the page sends PATCH with the camera's whole
// zones (or lines) list plus the new one, as the API replaces a list it is sent. The list is read again right before,
// so a zone saved meanwhile from another page is kept. The gateway's 400 (a polygon that crosses itself, a duplicate
// name, …) is shown under the drawing, which stays so the operator can rename it or redraw.

import { apiFetch, cameraPath, describeFailure, problemOf } from './api.js';
import { drawLine, drawZone } from './scene-layer.js';

// A click closer than this (CSS pixels) to a zone's first corner closes it; a press and release closer than this
// are a click, not a drag.
const snapPx = 10;

export class SceneEditor {
  #el;
  #live;
  #saved;
  #camera = null;
  #mode = null; // 'line' | 'zone' | null
  #points = [];
  #hover = null;
  #pressedAt = null;
  #closed = false;

  /**
   * @param elements {overlay, drawLine, drawZone, bar, hint, done, nameField, name, save, cancel, error}
   * @param live the LiveView: the draft is one of its layers
   * @param saved called (and awaited) after the camera's zones or lines changed
   */
  constructor(elements, live, saved) {
    this.#el = elements;
    this.#live = live;
    this.#saved = saved;
    live.addLayer((g, width, height, ratio) => this.#drawDraft(g, width, height, ratio));
    elements.drawLine.addEventListener('click', () => this.#start('line'));
    elements.drawZone.addEventListener('click', () => this.#start('zone'));
    elements.cancel.addEventListener('click', () => this.#stop());
    elements.done.addEventListener('click', () => this.#closeZone());
    elements.save.addEventListener('click', () => this.#save());
    elements.name.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        e.preventDefault();
        this.#save();
      }
    });
    const overlay = elements.overlay;
    overlay.addEventListener('pointerdown', (e) => this.#pointerDown(e));
    overlay.addEventListener('pointermove', (e) => this.#pointerMove(e));
    overlay.addEventListener('pointerup', (e) => this.#pointerUp(e));
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && this.#mode) {
        this.#stop();
      }
    });
  }

  /** The watched camera changed (or is none): a drawing in progress belongs to the old one. */
  setCamera(id) {
    if (id !== this.#camera) {
      this.#stop();
      this.#camera = id;
    }

    this.#el.drawLine.hidden = !id;
    this.#el.drawZone.hidden = !id;
  }

  /** Removes the zone or line <name> (kind 'zone' or 'line') from the camera; returns an error message or ''. */
  async remove(kind, name) {
    const id = this.#camera;
    return this.#patch(id, (camera) => {
      const key = kind === 'zone' ? 'zones' : 'lines';
      return { [key]: (camera[key] ?? []).filter((item) => item.name !== name).map(kind === 'zone' ? zoneBody : lineBody) };
    }, () => '');
  }

  // ---- drawing ----

  #start(mode) {
    this.#stop();
    this.#mode = mode;
    this.#points = [];
    this.#closed = false;
    this.#el.overlay.classList.add('drawing');
    this.#el.bar.hidden = false;
    this.#el.bar.dataset.mode = mode;
    this.#error('');
    this.#hint();
    this.#live.redraw();
  }

  #stop() {
    this.#mode = null;
    this.#points = [];
    this.#hover = null;
    this.#pressedAt = null;
    this.#closed = false;
    this.#el.overlay.classList.remove('drawing');
    this.#el.bar.hidden = true;
    this.#el.name.value = '';
    this.#error('');
    this.#live.redraw();
  }

  #complete() {
    return this.#mode === 'line' ? this.#points.length === 2 : this.#closed;
  }

  #hint() {
    const el = this.#el;
    const complete = this.#complete();
    el.hint.textContent = complete
      ? `Name the ${this.#mode} and save it.`
      : this.#mode === 'line'
        ? 'Press at one end of the line and release at the other, or click both ends; objects crossing it towards the arrow count as in.'
        : "Click the zone's corners; click the first corner again or Done to close it.";
    // One text while drawing: a hint that changed length could wrap differently, resize the stage and move the
    // picture under the pointer between two clicks (or during a drag).
    el.done.hidden = this.#mode !== 'zone' || complete;
    el.done.disabled = this.#points.length < 3;
    el.nameField.hidden = !complete;
    el.save.hidden = !complete;
    if (complete && !el.name.value) {
      el.name.value = this.#freeName();
      el.name.select();
    }

    if (complete) {
      el.name.focus({ preventScroll: true });
    }
  }

  #freeName() {
    const taken = new Set([...(this.#el.names?.() ?? [])].map((n) => n.toLowerCase()));
    for (let n = 1; ; n++) {
      const name = `${this.#mode} ${n}`;
      if (!taken.has(name)) {
        return name;
      }
    }
  }

  #point(e) {
    const rect = this.#el.overlay.getBoundingClientRect();
    const clamp = (v) => Math.min(1, Math.max(0, v));
    // Four decimals: a tenth of a pixel of a 4K frame, and a readable spec.
    const round = (v) => Math.round(clamp(v) * 10000) / 10000;
    return { at: [round((e.clientX - rect.left) / rect.width), round((e.clientY - rect.top) / rect.height)], x: e.clientX, y: e.clientY };
  }

  // Distance in CSS pixels between the pointer and a point drawn earlier, measured on the overlay as it is now (the
  // stage may have been resized since that point was clicked).
  #pixelsTo(e, at) {
    const rect = this.#el.overlay.getBoundingClientRect();
    return Math.hypot(e.clientX - (rect.left + at[0] * rect.width), e.clientY - (rect.top + at[1] * rect.height));
  }

  #pointerDown(e) {
    if (!this.#mode || this.#complete() || e.button !== 0) {
      return;
    }

    e.preventDefault();
    const p = this.#point(e);
    if (this.#mode === 'line') {
      this.#points.push(p);
      if (this.#points.length === 1) {
        this.#pressedAt = p;
        this.#el.overlay.setPointerCapture?.(e.pointerId);
      }
    } else if (this.#points.length >= 3 && this.#pixelsTo(e, this.#points[0].at) <= snapPx) {
      this.#closeZone();
      return;
    } else {
      this.#points.push(p);
    }

    this.#hint();
    this.#live.redraw();
  }

  #pointerMove(e) {
    if (this.#mode && !this.#complete()) {
      this.#hover = this.#point(e);
      this.#live.redraw();
    }
  }

  #pointerUp(e) {
    const pressed = this.#pressedAt;
    this.#pressedAt = null;
    if (this.#mode !== 'line' || !pressed || this.#points.length !== 1) {
      return;
    }

    const p = this.#point(e);
    if (this.#pixelsTo(e, pressed.at) > snapPx) {
      this.#points.push(p); // a drag: released at the other end
      this.#hint();
      this.#live.redraw();
    }
  }

  #closeZone() {
    if (this.#mode === 'zone' && this.#points.length >= 3) {
      this.#closed = true;
      this.#hover = null;
      this.#hint();
      this.#live.redraw();
    }
  }

  #drawDraft(g, width, height, ratio) {
    if (!this.#mode) {
      return;
    }

    const points = this.#points.map((p) => p.at);
    const hover = this.#complete() ? null : this.#hover?.at;
    if (this.#mode === 'line') {
      drawLine(g, points[0] ?? hover, points[1] ?? (points[0] ? hover : null), null, width, height, ratio, true);
    } else {
      drawZone(g, hover && points.length ? [...points, hover] : points, null, width, height, ratio, !this.#closed);
    }
  }

  // ---- saving ----

  async #save() {
    if (!this.#complete() || !this.#camera) {
      return;
    }

    const name = this.#el.name.value.trim();
    const mode = this.#mode;
    const points = this.#points.map((p) => p.at);
    this.#el.save.disabled = true;
    try {
      const message = await this.#patch(this.#camera, (camera) => {
        if (mode === 'zone') {
          const zones = (camera.zones ?? []).map(zoneBody);
          return { zones: [...zones, { name, polygon: points }] };
        }

        const lines = (camera.lines ?? []).map(lineBody);
        return { lines: [...lines, { name, from: points[0], to: points[1] }] };
      }, (problem) => newItemErrors(problem, mode === 'zone' ? 'zones' : 'lines'));
      if (message) {
        this.#error(message);
      } else {
        this.#stop();
      }
    } finally {
      this.#el.save.disabled = false;
    }
  }

  // PATCHes the body <change> makes of the camera as it is now; returns '' or what went wrong (<explain> words a 400).
  async #patch(id, change, explain) {
    try {
      const current = await apiFetch(cameraPath(id));
      if (!current.ok) {
        return describeFailure(current, await problemOf(current));
      }

      const response = await apiFetch(cameraPath(id), {
        method: 'PATCH',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(change(await current.json())),
      });
      if (!response.ok) {
        const problem = await problemOf(response);
        return (response.status === 400 && explain(problem)) || describeFailure(response, problem);
      }

      await this.#saved?.();
      return '';
    } catch {
      return 'The gateway cannot be reached.';
    }
  }

  #error(text) {
    this.#el.error.textContent = text;
    this.#el.error.hidden = text === '';
  }
}

// What the API takes back of a zone or line it showed: its own fields, no empty class list.
function zoneBody(zone) {
  return withOptional({ name: zone.name, polygon: zone.polygon }, zone);
}

function lineBody(line) {
  return withOptional({ name: line.name, from: line.from, to: line.to }, line);
}

function withOptional(body, item) {
  if (item.classes?.length) {
    body.classes = item.classes;
  }

  if (item.point) {
    body.point = item.point;
  }

  return body;
}

// The 400's field errors, the new item's (the last of <list>) named by their own field ("polygon: …", "name: …").
function newItemErrors(problem, list) {
  const entries = Object.entries(problem?.errors ?? {});
  if (entries.length === 0) {
    return problem?.detail || problem?.title || '';
  }

  return entries.map(([field, messages]) => {
    const own = field.match(new RegExp(`^${list}\\[\\d+\\]\\.?(.*)$`, 'i'));
    const text = Array.isArray(messages) ? messages.join(' ') : String(messages);
    return `${own ? own[1] || list : field}: ${text}`;
  }).join(' · ');
}
