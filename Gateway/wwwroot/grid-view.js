// The grid: every camera's picture at once, a tile each with its id and state. Pictures are annotated snapshots
// (boxes burned in by the gateway: a tile has no overlay, so that is its one set of boxes), fetched in turn by a few
// workers rather than one MJPEG per tile: a browser keeps at most six HTTP/1.1 connections to the gateway, and two
// dozen endless MJPEG downloads would starve the camera list, the detection stream and the snapshots themselves.

import { apiFetch, cameraPath } from './api.js';
import { idLabel } from './id-label.js';

const workers = 2;
const pauseMs = 1000; // after a full round, before the next
const retryMs = 3000;

export class CameraGrid {
  #list;
  #summary;
  #onChoose;
  #tiles = new Map();
  #cameras = [];
  #running = false;
  #round = 0;

  /**
   * @param elements {list, summary}
   * @param onChoose called with a camera id when its tile is chosen
   */
  constructor(elements, onChoose) {
    this.#list = elements.list;
    this.#summary = elements.summary;
    this.#onChoose = onChoose;
  }

  /** The cameras to show, in display order (objects from GET /api/cameras). */
  setCameras(cameras) {
    this.#cameras = cameras;
    const wanted = [];
    const existing = new Map(this.#tiles);
    for (const camera of cameras) {
      const tile = existing.get(camera.id) ?? this.#createTile(camera.id);
      existing.delete(camera.id);
      this.#tiles.set(camera.id, tile);
      this.#updateTile(tile, camera);
      wanted.push(tile.root);
    }

    for (const [id, tile] of existing) {
      this.#tiles.delete(id);
      tile.root.remove();
      if (tile.url) {
        URL.revokeObjectURL(tile.url);
      }
    }

    wanted.forEach((node, index) => {
      if (this.#list.children[index] !== node) {
        this.#list.insertBefore(node, this.#list.children[index] ?? null);
      }
    });
    const streaming = cameras.filter((c) => c.state === 'streaming').length;
    this.#summary.textContent = cameras.length ? `· ${cameras.length} camera${cameras.length === 1 ? '' : 's'}, ${streaming} streaming` : '· none yet';
  }

  /** Starts fetching pictures (the grid is shown). */
  start() {
    if (this.#running) {
      return;
    }

    this.#running = true;
    const round = ++this.#round;
    for (let i = 0; i < workers; i++) {
      this.#work(round, i);
    }
  }

  /** Stops fetching (the grid is hidden); pictures already shown stay. */
  stop() {
    this.#running = false;
    this.#round++;
  }

  #createTile(id) {
    const root = document.createElement('li');
    root.className = 'tile';
    root.dataset.cameraId = id;
    const open = document.createElement('button');
    open.type = 'button';
    open.className = 'tile-open';
    open.setAttribute('aria-label', `Watch camera ${id}`);
    open.addEventListener('click', () => this.#onChoose(id));

    const picture = document.createElement('div');
    picture.className = 'tile-picture';
    const image = document.createElement('img');
    image.alt = '';
    image.hidden = true;
    const message = document.createElement('p');
    message.className = 'tile-message';
    picture.append(image, message);

    // The badge sits on the picture, so the id has the tile's whole width.
    const state = document.createElement('span');
    state.className = 'state tile-state';
    picture.append(state);
    const caption = document.createElement('div');
    caption.className = 'tile-caption';
    const name = document.createElement('span');
    name.className = 'tile-name';
    idLabel(name, id);
    name.title = id;
    caption.append(name);

    open.append(picture, caption);
    root.append(open);
    return { root, image, message, state, url: null, camera: null };
  }

  #updateTile(tile, camera) {
    tile.camera = camera;
    tile.state.textContent = camera.state;
    tile.state.className = `state tile-state state-${camera.state}`;
    tile.root.dataset.state = camera.state;
    tile.root.title = camera.lastError && camera.state !== 'streaming' ? `${camera.id}: ${camera.lastError}` : camera.id;
    if (camera.state !== 'streaming' && tile.image.hidden) {
      tile.message.textContent = camera.state === 'stopped' ? 'disabled' : camera.state === 'failed' ? 'failed' : `${camera.state}…`;
    } else if (camera.state === 'streaming' && tile.image.hidden) {
      tile.message.textContent = 'waiting for a picture…';
    }

    tile.root.classList.toggle('tile-dim', camera.state !== 'streaming');
  }

  // Worker i refreshes every workers-th streaming camera from the i-th, in display order, then pauses: each tile is
  // refreshed once per round, and a camera slow to answer (a snapshot waits for its next analysed frame) holds up
  // only its own worker's share.
  async #work(round, worker) {
    let cursor = worker;
    while (round === this.#round) {
      const streaming = this.#cameras.filter((c) => c.state === 'streaming');
      if (streaming.length === 0 || cursor >= streaming.length) {
        await delay(streaming.length === 0 ? retryMs : pauseMs);
        cursor = worker;
        continue;
      }

      const camera = streaming[cursor];
      cursor += workers;
      const tile = this.#tiles.get(camera.id);
      if (!tile) {
        continue;
      }

      let response = null;
      try {
        response = await apiFetch(cameraPath(camera.id, '/snapshot.jpg'));
      } catch {
        // gateway unreachable: the camera list says so; try again next round
      }

      if (round !== this.#round) {
        return;
      }

      if (response?.ok) {
        const blob = await response.blob();
        if (round !== this.#round || this.#tiles.get(camera.id) !== tile) {
          continue;
        }

        const url = URL.createObjectURL(blob);
        tile.image.onload = () => {
          tile.image.hidden = false;
          tile.message.textContent = '';
        };
        tile.image.src = url;
        if (tile.url) {
          URL.revokeObjectURL(tile.url);
        }

        tile.url = url;
      } else if (response) {
        tile.message.textContent = response.status === 503 ? 'no recent frame' : `picture refused (${response.status})`;
      }
    }
  }
}

function delay(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
