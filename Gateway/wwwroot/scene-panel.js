// The watched camera's zones and counting lines: drawn over the live view, and listed with live numbers — objects in
// each zone now (by class) and each line's crossings in and out since the camera's capture started — read from
// GET /api/cameras/{id} (`zones`, `lines`, `scene`) every few seconds. A table: the numbers are small counts an operator
// reads exactly; each read also feeds the occupancy chart (scene-charts.js), which shows them over time.
// Each row has a Delete button (a second click confirms, as Remove does for cameras).

import { apiFetch, cameraPath, describeFailure, problemOf } from './api.js';
import { colourOf } from './palette.js';
import { drawScene } from './scene-layer.js';

const confirmMs = 5000;

export class ScenePanel {
  #el;
  #live;
  #onRead;
  #camera = null;
  #spec = null; // the camera as last read: zones, lines, scene
  #token = 0;
  #armed = new Map();

  /** Called with (kind, name) to delete a zone or line; returns an error message or ''. */
  onDelete = async () => '';

  /**
   * @param elements {rows, empty, status, scope, toggle}
   * @param live the LiveView, which draws the zones and lines as a layer
   * @param onRead called with each read of the camera (the occupancy chart samples it)
   */
  constructor(elements, live, onRead) {
    this.#el = elements;
    this.#live = live;
    this.#onRead = onRead;
    live.addLayer((g, width, height, ratio) => {
      const overlay = elements.overlay;
      const spec = this.#spec;
      const shown = spec && elements.toggle.checked;
      if (shown) {
        drawScene(g, spec.zones, spec.lines, width, height, ratio);
      }

      // What is drawn, for tests and assistive technology (the canvas itself is pixels).
      overlay.dataset.zonesDrawn = shown ? (spec.zones ?? []).map((z) => z.name).join('|') : '';
      overlay.dataset.linesDrawn = shown ? (spec.lines ?? []).map((l) => l.name).join('|') : '';
    });
    elements.toggle.addEventListener('change', () => live.redraw());
  }

  /** The names of the camera's zones and lines (unique across both). */
  names() {
    return [...(this.#spec?.zones ?? []), ...(this.#spec?.lines ?? [])].map((item) => item.name);
  }

  setCamera(id) {
    if (id === this.#camera) {
      return;
    }

    this.#camera = id;
    this.#spec = null;
    this.#token++;
    this.#el.scope.textContent = id ? `— ${id}` : '';
    this.#render();
    this.#live.redraw();
    this.refresh();
  }

  async refresh() {
    const id = this.#camera;
    const token = ++this.#token;
    if (!id) {
      return;
    }

    let response;
    try {
      response = await apiFetch(cameraPath(id));
    } catch {
      this.#status('Gateway unreachable; retrying…');
      return;
    }

    if (token !== this.#token) {
      return; // another camera was chosen, or a newer read started, meanwhile
    }

    if (!response.ok) {
      this.#status(describeFailure(response, await problemOf(response)));
      return;
    }

    const camera = await response.json();
    if (token !== this.#token) {
      return;
    }

    this.#spec = camera;
    this.#onRead?.(camera);
    this.#status(camera.state === 'streaming' ? '' : `The camera is ${camera.state}: it counts only while streaming.`);
    this.#render();
    this.#live.redraw();
  }

  #status(text) {
    this.#el.status.textContent = text;
  }

  #render() {
    const spec = this.#spec;
    const zones = spec?.zones ?? [];
    const lines = spec?.lines ?? [];
    const occupancy = spec?.scene?.occupancy ?? {};
    const crossings = spec?.scene?.lines ?? {};
    const rows = this.#el.rows;
    const wanted = [];
    const existing = new Map([...rows.children].map((row) => [row.dataset.key, row]));
    for (const zone of zones) {
      const byClass = occupancy[zone.name] ?? {};
      const total = Object.values(byClass).reduce((sum, n) => sum + Number(n), 0);
      const row = existing.get(`zone:${zone.name}`) ?? this.#createRow('zone', zone.name);
      row.dataset.occupancy = String(total);
      const [, value] = row.cells;
      value.replaceChildren(`${total} now`, ...Object.entries(byClass).filter(([, n]) => n > 0).map(([label, n]) => classCount(label, n)));
      value.title = 'objects inside the zone now';
      wanted.push(row);
    }

    for (const line of lines) {
      const count = crossings[line.name] ?? { in: 0, out: 0 };
      const row = existing.get(`line:${line.name}`) ?? this.#createRow('line', line.name);
      row.dataset.in = String(count.in ?? 0);
      row.dataset.out = String(count.out ?? 0);
      row.cells[1].textContent = `in ${count.in ?? 0} · out ${count.out ?? 0}`;
      row.cells[1].title = 'crossings since the camera started (in: towards the arrow)';
      wanted.push(row);
    }

    rows.replaceChildren(...wanted);
    this.#el.empty.hidden = wanted.length > 0 || !this.#camera;
  }

  #createRow(kind, name) {
    const row = document.createElement('tr');
    row.dataset.key = `${kind}:${name}`;
    row.dataset.kind = kind;
    row.dataset.name = name;
    const nameCell = document.createElement('th');
    nameCell.scope = 'row';
    const kindLabel = document.createElement('span');
    kindLabel.className = 'scene-kind muted';
    kindLabel.textContent = kind;
    nameCell.append(name, kindLabel);
    nameCell.title = name;
    const value = document.createElement('td');
    value.className = 'num';
    const actions = document.createElement('td');
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.className = 'remove secondary';
    remove.textContent = 'Delete';
    remove.setAttribute('aria-label', `Delete ${kind} ${name}`);
    remove.addEventListener('click', () => this.#deleteClicked(kind, name, remove));
    actions.append(remove);
    row.append(nameCell, value, actions);
    return row;
  }

  async #deleteClicked(kind, name, button) {
    const key = `${kind}:${name}`;
    if (Date.now() > (this.#armed.get(key) ?? 0)) {
      this.#armed.set(key, Date.now() + confirmMs);
      button.textContent = 'Confirm';
      button.classList.add('danger');
      setTimeout(() => {
        if ((this.#armed.get(key) ?? 0) <= Date.now()) {
          button.textContent = 'Delete';
          button.classList.remove('danger');
        }
      }, confirmMs + 50);
      return;
    }

    this.#armed.delete(key);
    button.disabled = true;
    const message = await this.onDelete(kind, name);
    button.disabled = false;
    button.textContent = 'Delete';
    button.classList.remove('danger');
    this.#status(message ? `Could not delete ${kind} ${name}: ${message}` : '');
    if (!message) {
      await this.refresh();
    }
  }
}

function classCount(label, n) {
  const span = document.createElement('span');
  span.className = 'class-count';
  const swatch = document.createElement('span');
  swatch.className = 'swatch';
  swatch.style.background = colourOf(label);
  span.append(swatch, `${label} ${n}`);
  return span;
}
