// The watched camera's scene events (zone entries and exits, line crossings), newest first: the last minutes from
// GET /api/cameras/{id}/events/history, then live from the camera's events stream (SSE).
//
// The stream is opened first and the history read once it is open, so nothing falls between the two: an event is in
// the history read, or arrives on the stream, or both — and "both" is dropped by the event's own name, (position,
// index), which the API gives every event for that purpose. The browser's own reconnects resume after the last id:
// (Last-Event-ID), which may repeat the events of one frame; those are dropped the same way. When the gateway refuses
// the stream (a missing key, a camera gone) the EventSource closes for good and the log opens a new one later, reading
// the history again to fill what it missed.
//
// The type filter acts in the browser on what was received, so changing it shows past events at once and the charts
// (which count every event) do not depend on it.

import { apiFetch, cameraPath, keyedUrl } from './api.js';

const historyMs = 10 * 60 * 1000;
const kept = 500; // events held, so a rare type still has rows when the filter asks for it
const shown = 100;
const retryMs = 3000;
const seenKept = 5000;

const typeText = { 'zone.enter': 'enter', 'zone.exit': 'exit', 'line.cross': 'cross' };

export class EventLog {
  #el;
  #onEvent;
  #camera = null;
  #source = null;
  #retryTimer = 0;
  #events = []; // newest first
  #seen = new Set(); // keys of events received for this camera, oldest first
  #renderPending = false;

  /**
   * @param elements {rows, empty, status, filter, scope}
   * @param onEvent called with (cameraId, event) once per event, history and live, in no particular order
   */
  constructor(elements, onEvent) {
    this.#el = elements;
    this.#onEvent = onEvent;
    elements.filter.addEventListener('change', () => this.#render());
  }

  setCamera(id) {
    if (id === this.#camera) {
      return;
    }

    this.#close();
    this.#camera = id;
    this.#events = [];
    this.#seen = new Set();
    this.#el.scope.textContent = id ? `— ${id}` : '';
    this.#el.rows.dataset.camera = id ?? '';
    this.#status(id ? 'Connecting…' : '');
    this.#render();
    if (id) {
      this.#open();
    }
  }

  #close() {
    this.#source?.close();
    this.#source = null;
    clearTimeout(this.#retryTimer);
  }

  #open() {
    const id = this.#camera;
    const source = new EventSource(keyedUrl(cameraPath(id, '/events')));
    this.#source = source;
    let historyRead = false;
    source.onopen = () => {
      if (source === this.#source) {
        this.#status('');
        // Once per EventSource: the browser's own reconnects resume after the last id, losing nothing.
        if (!historyRead) {
          historyRead = true;
          this.#readHistory(id, source);
        }
      }
    };
    source.onmessage = (e) => {
      if (source !== this.#source) {
        return;
      }

      try {
        this.#add(JSON.parse(e.data));
      } catch {
        // not an event: ignore it
      }
    };
    source.addEventListener('gap', () => {
      if (source === this.#source) {
        this.#status('Some events are no longer in the history: the log may miss a few.');
      }
    });
    source.onerror = () => {
      if (source !== this.#source) {
        return;
      }

      if (source.readyState === EventSource.CLOSED) {
        this.#status('Event stream refused; retrying…');
        this.#retryTimer = setTimeout(() => {
          if (source === this.#source) {
            this.#open();
          }
        }, retryMs);
      } else {
        this.#status('Event stream interrupted; reconnecting…');
      }
    };
  }

  async #readHistory(id, source) {
    const to = new Date();
    const from = new Date(to.getTime() - historyMs);
    // Oldest first and cut at `limit`: ask for the most the API gives, so the newest of the period are in it.
    const query = new URLSearchParams({ from: from.toISOString(), to: to.toISOString(), limit: '10000' });
    let response;
    try {
      response = await apiFetch(`${cameraPath(id, '/events/history')}?${query}`);
    } catch {
      return; // the stream goes on; the next reconnect reads the history again
    }

    if (source !== this.#source || !response.ok) {
      return;
    }

    const events = await response.json().catch(() => null);
    if (source !== this.#source || !Array.isArray(events)) {
      return;
    }

    for (const e of events) {
      this.#add(e);
    }
  }

  #add(e) {
    if (!e || typeof e.type !== 'string' || e.cameraId !== this.#camera) {
      return;
    }

    const key = `${e.position}:${e.index}`;
    if (this.#seen.has(key)) {
      return;
    }

    this.#seen.add(key);
    if (this.#seen.size > seenKept) {
      this.#seen.delete(this.#seen.values().next().value);
    }

    e.key = key;
    e.atMs = Date.parse(e.at);
    this.#onEvent?.(this.#camera, e);
    // Usually the newest: a live event goes on top; history read after it goes below, in order.
    let i = 0;
    while (i < this.#events.length && newer(this.#events[i], e)) {
      i++;
    }

    this.#events.splice(i, 0, e);
    if (this.#events.length > kept) {
      this.#events.length = kept;
    }

    this.#scheduleRender();
  }

  #scheduleRender() {
    if (!this.#renderPending) {
      this.#renderPending = true;
      // A history of hundreds of events is drawn once, not once per event.
      queueMicrotask(() => {
        this.#renderPending = false;
        this.#render();
      });
    }
  }

  #render() {
    const type = this.#el.filter.value;
    const wanted = [];
    for (const e of this.#events) {
      if (!type || e.type === type) {
        wanted.push(e);
        if (wanted.length === shown) {
          break;
        }
      }
    }

    // Rows are kept by key: an event's row is built once, however often the log is redrawn.
    const rows = this.#el.rows;
    const existing = new Map([...rows.children].map((row) => [row.dataset.key, row]));
    rows.replaceChildren(...wanted.map((e) => existing.get(e.key) ?? row(e)));
    rows.dataset.count = String(wanted.length);
    this.#el.empty.hidden = wanted.length > 0 || !this.#camera;
    this.#el.empty.textContent = this.#events.length > 0 ? 'No events of this type in the log.' : 'No zone or line events in the last 10 minutes.';
  }

  #status(text) {
    this.#el.status.textContent = text;
  }
}

// Whether a comes after b: by capture time, then (same frame time) by position and index in the frame.
function newer(a, b) {
  if (a.atMs !== b.atMs) {
    return a.atMs > b.atMs;
  }

  const pa = Number(a.position);
  const pb = Number(b.position);
  if (Number.isFinite(pa) && Number.isFinite(pb) && pa !== pb) {
    return pa > pb;
  }

  return a.position === b.position ? a.index > b.index : String(a.position) > String(b.position);
}

function row(e) {
  const tr = document.createElement('tr');
  tr.dataset.key = e.key;
  tr.dataset.type = e.type;
  tr.dataset.name = e.name;
  tr.dataset.track = String(e.trackId);
  tr.dataset.label = e.label;
  tr.dataset.at = e.at;
  if (e.direction) {
    tr.dataset.direction = e.direction;
  }

  const time = document.createElement('td');
  time.textContent = Number.isFinite(e.atMs) ? new Date(e.atMs).toLocaleTimeString([], { hourCycle: 'h23' }) : '';
  time.title = e.at;
  const what = document.createElement('td');
  what.className = `event-type event-${e.type.replace('.', '-')}`;
  what.textContent = `${typeText[e.type] ?? e.type}${e.direction ? ` ${e.direction}` : ''}`;
  what.title = e.type;
  const name = document.createElement('th');
  name.scope = 'row';
  name.textContent = e.name;
  name.title = `${e.type.startsWith('zone.') ? 'zone' : 'line'} ${e.name}`;
  const label = document.createElement('td');
  label.textContent = e.label;
  const track = document.createElement('td');
  track.className = 'num';
  track.textContent = `#${e.trackId}`;
  const dwell = document.createElement('td');
  dwell.className = 'num';
  dwell.textContent = e.dwellSeconds == null ? '' : `${Number(e.dwellSeconds).toFixed(1)} s`;
  if (e.dwellSeconds != null) {
    dwell.title = 'time inside the zone';
  }

  tr.append(time, what, name, label, track, dwell);
  return tr;
}
