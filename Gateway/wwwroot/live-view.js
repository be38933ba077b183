// The live view of one camera: a picture when the gateway serves one (MJPEG, else polled snapshots, else a dark
// stage), and a canvas overlay drawing the boxes of the camera's detection stream (SSE), scaled from source-frame
// pixels to the displayed size. The overlay works without any picture: it is the detection stream made visible.
// The picture is asked for clean (?boxes=false): the gateway would otherwise burn its own boxes in, and the page
// would show two sets per object (the overlay's a little later than the picture's) with a toggle that hides only one.
// Tracked objects carry their track id on their label and a two-second trail; the camera's zones and lines and the
// operator's drawing in progress are layers drawn first, whether or not detections arrive (scene-panel.js).

import { apiFetch, cameraPath, keyedUrl } from './api.js';
import { clearedContext } from './canvas.js';
import { colourOf } from './palette.js';
import { Trails } from './trails.js';

const staleAfterMs = 3000;
const snapshotIntervalMs = 1000;
const retryMs = 3000;

export class LiveView {
  #el;
  #onFrame;
  #camera = null;
  #events = null;
  #latest = null;
  #latestAt = 0;
  #drawPending = false;
  #boxesDrawn = 0;
  #framesDrawn = 0;
  #gapNote = '';
  #videoToken = 0;
  #videoMode = 'none';
  #snapshotUrl = null;
  #retryTimer = 0;
  #aspect = 16 / 9;
  #lastStatusAt = 0;
  #trails = new Trails();
  #layers = [];

  /**
   * @param elements {stageBox, stage, image, overlay, message, status, toggle, title}
   * @param onFrame called with every DetectionFrame received (the counts chart's fallback uses it)
   */
  constructor(elements, onFrame) {
    this.#el = elements;
    this.#onFrame = onFrame;
    new ResizeObserver(() => this.#layout()).observe(elements.stageBox);
    elements.toggle.addEventListener('change', () => this.#scheduleDraw());
    setInterval(() => this.#checkStale(), 1000);
    this.#layout();
  }

  get cameraId() {
    return this.#camera;
  }

  /** Draws <layer>(g, width, height, ratio) under the boxes at every redraw, detections or not. */
  addLayer(layer) {
    this.#layers.push(layer);
    this.#scheduleDraw();
  }

  /** Something a layer draws changed: draw again at the next animation frame. */
  redraw() {
    this.#scheduleDraw();
  }

  /** Watch camera <id>, or nothing (null). Re-showing the same camera with force restarts its connections. */
  show(id, force = false) {
    if (id === this.#camera && !force) {
      return;
    }

    this.#disconnect();
    this.#camera = id;
    this.#latest = null;
    this.#trails.clear();
    this.#gapNote = '';
    this.#el.title.textContent = id ? `— ${id}` : '';
    this.#el.overlay.dataset.camera = id ?? '';
    this.#scheduleDraw();
    if (!id) {
      this.#message('Choose a camera.');
      this.#el.status.textContent = '';
      return;
    }

    this.#message('Waiting for detections…');
    this.#connectDetections();
    this.#startVideo();
  }

  /** A status refresh of the watched camera: explain an empty stage when the camera is not streaming. */
  cameraStatus(camera) {
    if (!camera || camera.id !== this.#camera || this.#isFresh()) {
      return;
    }

    const reason = camera.state === 'streaming' ? 'Waiting for detections…'
      : camera.state === 'failed' ? `Camera failed${camera.lastError ? `: ${camera.lastError}` : ''}`
      : camera.state === 'stopped' ? 'Camera stopped (disabled).'
      : camera.state === 'reconnecting' ? `Reconnecting to the camera${camera.lastError ? ` (${camera.lastError})` : ''}…`
      : 'Camera starting…';
    this.#message(reason);
  }

  #disconnect() {
    this.#events?.close();
    this.#events = null;
    clearTimeout(this.#retryTimer);
    this.#stopVideo();
  }

  // ---- detections (SSE) ----

  #connectDetections() {
    const id = this.#camera;
    const events = new EventSource(keyedUrl(cameraPath(id, '/detections')));
    this.#events = events;
    events.onmessage = (e) => {
      let frame;
      try {
        frame = JSON.parse(e.data);
      } catch {
        return;
      }

      this.#latest = frame;
      this.#latestAt = performance.now();
      this.#trails.add(frame);
      this.#onFrame?.(frame);
      this.#scheduleDraw();
    };
    events.addEventListener('gap', (e) => {
      try {
        const gap = JSON.parse(e.data);
        const count = gap.missed == null ? 'some frames' : `${gap.missed} frame(s)`;
        this.#gapNote = `${count} no longer in the history (it now starts at ${gap.historyStartsAt ?? 'the next frame'})`;
      } catch {
        this.#gapNote = 'some frames are no longer in the history';
      }
    });
    events.onerror = () => {
      if (events !== this.#events) {
        return;
      }

      if (events.readyState === EventSource.CLOSED) {
        // A refusal (unknown camera, missing key) closes the EventSource for good: try again later ourselves.
        this.#el.status.textContent = 'Detection stream refused; retrying…';
        this.#retryTimer = setTimeout(() => {
          if (events === this.#events) {
            this.#connectDetections();
          }
        }, retryMs);
      } else {
        this.#el.status.textContent = 'Detection stream interrupted; reconnecting…';
      }
    };
  }

  #isFresh() {
    return this.#latest !== null && performance.now() - this.#latestAt < staleAfterMs;
  }

  #checkStale() {
    if (this.#camera && this.#latest && !this.#isFresh()) {
      const seconds = Math.round((performance.now() - this.#latestAt) / 1000);
      this.#message(`No detections received for ${seconds} s.`);
      this.#scheduleDraw();
    }
  }

  // ---- drawing ----

  #scheduleDraw() {
    if (!this.#drawPending) {
      this.#drawPending = true;
      requestAnimationFrame(() => {
        this.#drawPending = false;
        this.#draw();
      });
    }
  }

  #draw() {
    const canvas = this.#el.overlay;
    const frame = this.#latest;
    if (frame?.width > 0 && frame?.height > 0 && Math.abs(frame.width / frame.height - this.#aspect) > 1e-3) {
      this.#aspect = frame.width / frame.height;
      this.#layout();
    }

    const { g, width, height, ratio } = clearedContext(canvas);
    for (const layer of this.#layers) {
      layer(g, width, height, ratio);
    }

    if (!frame || !this.#isFresh() || !(frame.width > 0 && frame.height > 0)) {
      return;
    }

    this.#message('');
    this.#describe(frame);
    if (!this.#el.toggle.checked) {
      return;
    }

    const sx = width / frame.width;
    const sy = height / frame.height;
    const detections = frame.detections ?? [];
    this.#trails.draw(g, width, height, ratio);
    g.lineWidth = Math.max(2, 2 * ratio);
    g.font = `600 ${Math.round(13 * ratio)}px system-ui, sans-serif`;
    g.textBaseline = 'top';
    for (const d of detections) {
      const x = d.box.x1 * sx;
      const y = d.box.y1 * sy;
      const w = (d.box.x2 - d.box.x1) * sx;
      const h = (d.box.y2 - d.box.y1) * sy;
      const colour = colourOf(d.label);
      g.strokeStyle = colour;
      g.strokeRect(x, y, w, h);

      const text = d.trackId == null ? `${d.label} ${Number(d.score).toFixed(2)}` : `${d.label} #${d.trackId} ${Number(d.score).toFixed(2)}`;
      const pad = 3 * ratio;
      const tagH = Math.round(17 * ratio);
      const tagW = g.measureText(text).width + 2 * pad;
      const tagX = Math.min(Math.max(0, x), Math.max(0, width - tagW));
      const tagY = y - tagH >= 0 ? y - tagH : y; // above the box, or inside it at the top edge
      g.fillStyle = colour;
      g.fillRect(tagX, tagY, tagW, tagH);
      g.fillStyle = '#0b0f14';
      g.fillText(text, tagX + pad, tagY + 2 * ratio);
    }

    this.#boxesDrawn += detections.length;
    this.#framesDrawn += 1;
    canvas.dataset.boxesDrawn = String(this.#boxesDrawn);
    canvas.dataset.framesDrawn = String(this.#framesDrawn);
    canvas.dataset.frameIndex = String(frame.frameIndex);
    // The track ids on this frame's labels, for assistive technology and tests (the canvas itself is pixels).
    canvas.dataset.trackIds = detections.filter((d) => d.trackId != null).map((d) => d.trackId).join(' ');
    canvas.setAttribute('aria-label', detections.length === 0
      ? `No objects in frame ${frame.frameIndex}`
      : `Frame ${frame.frameIndex}: ${detections.map((d) => `${d.label} ${Number(d.score).toFixed(2)}${d.trackId == null ? '' : ` track ${d.trackId}`}`).join(', ')}`);
  }

  #describe(frame) {
    const now = performance.now();
    if (now - this.#lastStatusAt < 250) {
      return; // a readable status line, not a flickering one
    }

    this.#lastStatusAt = now;
    const n = frame.detections?.length ?? 0;
    const parts = [`frame #${frame.frameIndex}`, `${n} object${n === 1 ? '' : 's'}`];
    const latency = frame.latencyMs;
    if (latency && Number.isFinite(latency.total)) {
      parts.push(`latency ${milliseconds(latency.total)}` + (Number.isFinite(latency.inference) ? ` (inference ${milliseconds(latency.inference)})` : ''));
    }

    if (frame.model) {
      parts.push(`model ${frame.model}`);
    }

    parts.push({ mjpeg: 'video: live MJPEG', snapshot: 'video: snapshots', pending: 'video: connecting…' }[this.#videoMode] ?? 'video: unavailable (detections only)');
    if (this.#gapNote) {
      parts.push(this.#gapNote);
    }

    this.#el.status.textContent = parts.join(' · ');
  }

  #message(text) {
    const message = this.#el.message;
    if (message.textContent !== text) {
      message.textContent = text;
    }

    message.hidden = text === '';
  }

  #layout() {
    const box = this.#el.stageBox;
    const availableW = box.clientWidth;
    const availableH = box.clientHeight;
    if (availableW <= 0 || availableH <= 0) {
      return;
    }

    const width = Math.floor(Math.min(availableW, availableH * this.#aspect));
    const height = Math.floor(width / this.#aspect);
    this.#el.stage.style.width = `${width}px`;
    this.#el.stage.style.height = `${height}px`;
    this.#scheduleDraw();
  }

  // ---- picture: MJPEG, else snapshots, else none ----

  #startVideo() {
    const token = ++this.#videoToken;
    const image = this.#el.image;
    let loaded = false;
    this.#videoMode = 'pending';
    image.onload = () => {
      if (token !== this.#videoToken) {
        return;
      }

      loaded = true;
      this.#setVideoMode('mjpeg');
      this.#imageShown(image);
    };
    image.onerror = () => {
      if (token !== this.#videoToken) {
        return;
      }

      image.hidden = true;
      if (loaded) {
        this.#retryTimer = setTimeout(() => token === this.#videoToken && this.#startVideo(), retryMs); // the stream broke
      } else {
        this.#pollSnapshots(token); // no MJPEG here: try snapshots
      }
    };
    image.src = keyedUrl(cameraPath(this.#camera, '/live.mjpeg'), { boxes: 'false' });
  }

  async #pollSnapshots(token) {
    const image = this.#el.image;
    image.onload = () => token === this.#videoToken && this.#imageShown(image);
    image.onerror = null;
    while (token === this.#videoToken) {
      let response;
      try {
        response = await apiFetch(cameraPath(this.#camera, '/snapshot.jpg?boxes=false'));
      } catch {
        response = null; // gateway unreachable: keep trying
      }

      if (token !== this.#videoToken) {
        return;
      }

      if (response && (response.status === 404 || response.status === 401 || response.status === 403)) {
        this.#setVideoMode('none'); // this gateway serves no pictures (or not to this key): detections only
        image.hidden = true;
        return;
      }

      if (response?.ok) {
        const url = URL.createObjectURL(await response.blob());
        if (token !== this.#videoToken) {
          URL.revokeObjectURL(url);
          return;
        }

        this.#setVideoMode('snapshot');
        image.src = url;
        if (this.#snapshotUrl) {
          URL.revokeObjectURL(this.#snapshotUrl);
        }

        this.#snapshotUrl = url;
      }

      await new Promise((resolve) => setTimeout(resolve, response?.ok ? snapshotIntervalMs : retryMs));
    }
  }

  #setVideoMode(mode) {
    if (this.#videoMode !== mode) {
      this.#videoMode = mode;
      this.#lastStatusAt = 0; // say so at once, not at the next throttled status update
      if (this.#latest) {
        this.#describe(this.#latest);
      }
    }
  }

  #imageShown(image) {
    image.hidden = false;
    if (image.naturalWidth > 0 && image.naturalHeight > 0 && !this.#latest) {
      this.#aspect = image.naturalWidth / image.naturalHeight;
      this.#layout();
    }
  }

  #stopVideo() {
    this.#videoToken++;
    const image = this.#el.image;
    image.onload = null;
    image.onerror = null;
    image.removeAttribute('src'); // ends a running MJPEG download
    image.hidden = true;
    if (this.#snapshotUrl) {
      URL.revokeObjectURL(this.#snapshotUrl);
      this.#snapshotUrl = null;
    }

    this.#videoMode = 'none';
  }
}

function milliseconds(value) {
  return `${value.toFixed(value < 10 ? 1 : 0)} ms`;
}
