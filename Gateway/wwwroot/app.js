// The dashboard: cameras and their state, the live view of one camera or a grid of all of them, detection counts,
// service health, and adding, editing, enabling/disabling and removing cameras. Plain ES modules against the
// gateway's HTTP API; every optional route may be missing.
//
// The address fragment says what is shown, so a view can be bookmarked or shared: #camera=<id> watches that camera
// (a bare #<id> works too), #view=grid shows the grid, both as #camera=<id>&view=grid. Without a camera in the
// fragment the page watches the first streaming camera in the list's order (ids sorted), else the first camera, until
// the operator chooses one; choosing one writes it into the fragment.

import { apiFetch, apiKey, cameraPath, describeFailure, problemOf, setApiKey } from './api.js';
import { CountsChart } from './counts-chart.js';
import { editCamera, forgetCamera, onCameraSaved } from './camera-form.js';
import { EventLog } from './event-log.js';
import { CameraGrid } from './grid-view.js';
import { HealthPanel } from './health.js';
import { idLabel } from './id-label.js';
import { LiveView } from './live-view.js';
import { SceneCharts } from './scene-charts.js';
import { SceneEditor } from './scene-editor.js';
import { ScenePanel } from './scene-panel.js';

const camerasEveryMs = 2000;
const countsEveryMs = 10000;
const healthEveryMs = 5000;
const sceneEveryMs = 3000;
const confirmRemoveMs = 5000;

const $ = (id) => document.getElementById(id);

const counts = new CountsChart({ canvas: $('counts-chart'), legend: $('counts-legend'), scope: $('counts-scope'), source: $('counts-source') });
const live = new LiveView({
  stageBox: $('stage-box'),
  stage: $('stage'),
  image: $('live-image'),
  overlay: $('overlay'),
  message: $('stage-message'),
  status: $('live-status'),
  toggle: $('overlay-toggle'),
  title: $('live-camera'),
}, (frame) => counts.recordFrame(frame));
const sceneCharts = new SceneCharts({
  occupancy: $('occupancy-chart'),
  occupancyLegend: $('occupancy-legend'),
  crossings: $('crossings-chart'),
  crossingsLegend: $('crossings-legend'),
});
const eventLog = new EventLog({
  rows: $('event-rows'),
  empty: $('events-empty'),
  status: $('events-status'),
  filter: $('events-filter'),
  scope: $('events-scope'),
}, (camera, e) => sceneCharts.recordEvent(camera, e));
const scene = new ScenePanel({
  rows: $('scene-rows'),
  empty: $('scene-empty'),
  status: $('scene-status'),
  scope: $('scene-scope'),
  toggle: $('scene-toggle'),
  overlay: $('overlay'),
}, live, (camera) => sceneCharts.recordScene(camera));
const sceneEditor = new SceneEditor({
  overlay: $('overlay'),
  drawLine: $('draw-line'),
  drawZone: $('draw-zone'),
  bar: $('scene-draw'),
  hint: $('scene-hint'),
  done: $('scene-done'),
  nameField: $('scene-name-field'),
  name: $('scene-name'),
  save: $('scene-save'),
  cancel: $('scene-cancel'),
  error: $('scene-error'),
  names: () => scene.names(),
}, live, () => scene.refresh());
scene.onDelete = (kind, name) => sceneEditor.remove(kind, name);
const health = new HealthPanel({
  values: $('health-values'),
  unavailable: $('health-unavailable'),
  batch: $('health-batch'),
  latency: $('health-latency'),
  drops: $('health-drops'),
  note: $('health-note'),
});

onCameraSaved(() => refreshCameras());
const grid = new CameraGrid({ list: $('grid-tiles'), summary: $('grid-summary') }, (id) => {
  select(id, true);
  setView('single');
});

let cameras = [];
let selectedId = null;
let chosenByOperator = false;
let view = 'single';
let wantedCamera = null; // named by the fragment, applied once the camera list is known
let notice = ''; // a standing banner line the camera refresh must not wipe
const removeArmedUntil = new Map();

// ---- address fragment ----

function readFragment() {
  const raw = location.hash.replace(/^#/, '');
  if (!raw.includes('=')) {
    let id = raw;
    try {
      id = decodeURIComponent(raw);
    } catch {
      // a stray % : take the text as it is
    }

    return { camera: id || null, view: null };
  }

  const values = new URLSearchParams(location.hash.slice(1));
  return { camera: values.get('camera') || null, view: values.get('view') };
}

function writeFragment() {
  const values = new URLSearchParams();
  if (selectedId && chosenByOperator) {
    values.set('camera', selectedId);
  }

  if (view === 'grid') {
    values.set('view', 'grid');
  }

  const hash = values.toString();
  // replaceState: no history entry per click, and no hashchange event back to us.
  history.replaceState(null, '', hash ? `#${hash}` : `${location.pathname}${location.search}`);
}

function applyFragment() {
  const wanted = readFragment();
  wantedCamera = wanted.camera;
  setView(wanted.view === 'grid' ? 'grid' : 'single', false);
  if (cameras.length > 0) {
    chooseCamera();
  }
}

window.addEventListener('hashchange', applyFragment);

// ---- single view or grid ----

function setView(next, write = true) {
  view = next;
  const gridShown = next === 'grid';
  $('grid-view').hidden = !gridShown;
  document.querySelector('main.layout').hidden = gridShown;
  // The button names the view it switches to.
  $('view-toggle').textContent = gridShown ? 'Single view' : 'Grid view';
  if (gridShown) {
    live.show(null); // its detection stream and MJPEG would hold two of the browser's six connections
    eventLog.setCamera(null); // and the event stream a third
    grid.start();
  } else {
    grid.stop();
    live.show(selectedId);
    eventLog.setCamera(selectedId);
  }

  if (write) {
    writeFragment();
  }
}

// ---- chart tabs: detections, zone occupancy, line crossings share the chart panel ----

const chartTabs = [...document.querySelectorAll('.chart-tab')];

function showChart(tab) {
  for (const other of chartTabs) {
    const selected = other === tab;
    other.setAttribute('aria-selected', String(selected));
    other.tabIndex = selected ? 0 : -1;
    $(other.getAttribute('aria-controls')).hidden = !selected;
  }

  $('chart-title').textContent = tab.dataset.title;
  // The scope names the detections chart's period (the last hour); the zone and line charts say theirs underneath.
  $('counts-scope').hidden = tab.id !== 'tab-detections';
}

for (const tab of chartTabs) {
  tab.addEventListener('click', () => showChart(tab));
  // Arrow keys move between tabs, as a tab list does.
  tab.addEventListener('keydown', (e) => {
    const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (step) {
      const next = chartTabs[(chartTabs.indexOf(tab) + step + chartTabs.length) % chartTabs.length];
      showChart(next);
      next.focus();
    }
  });
}

$('view-toggle').addEventListener('click', () => setView(view === 'grid' ? 'single' : 'grid'));

// ---- API key ----

$('api-key').value = apiKey();
$('key-form').addEventListener('submit', (e) => {
  e.preventDefault();
  setApiKey($('api-key').value.trim());
  reconnect();
});
$('key-clear').addEventListener('click', () => {
  $('api-key').value = '';
  setApiKey('');
  reconnect();
});

function reconnect() {
  if (view === 'single') {
    live.show(selectedId, true);
  }

  refreshCameras();
  counts.refresh();
  health.refresh();
}

// ---- cameras ----

function banner(text) {
  const el = $('banner');
  el.textContent = text ?? '';
  el.hidden = !text;
}

async function refreshCameras() {
  let response;
  try {
    response = await apiFetch('/api/cameras');
  } catch {
    $('connection').textContent = 'Gateway unreachable; retrying…';
    $('connection').className = 'connection bad';
    return;
  }

  if (!response.ok) {
    const problem = await problemOf(response);
    banner(describeFailure(response, problem));
    $('connection').textContent = `Gateway answered ${response.status}`;
    $('connection').className = 'connection bad';
    if (response.status === 401) {
      $('api-key').focus({ preventScroll: true });
    }

    return;
  }

  cameras = await response.json();
  banner(notice);
  $('connection').textContent = `Connected · updated ${new Date().toLocaleTimeString([], { hourCycle: 'h23' })}`;
  $('connection').className = 'connection ok';
  renderCameras();
  chooseCamera();
}

function displayOrder() {
  return [...cameras].sort((a, b) => a.id.localeCompare(b.id));
}

function chooseCamera() {
  if (wantedCamera !== null) {
    const id = wantedCamera;
    wantedCamera = null;
    if (cameras.some((c) => c.id === id)) {
      notice = '';
      select(id, true, false);
    } else {
      notice = `The address names camera "${id}", which does not exist; showing another.`;
      chosenByOperator = false;
    }

    banner(notice);
  }

  let current = cameras.find((c) => c.id === selectedId);
  if (!current) {
    chosenByOperator = false; // the chosen camera was removed
  }

  if (!chosenByOperator && current?.state !== 'streaming') {
    // The default: the first streaming camera, re-evaluated while none is streaming (all still starting, say).
    const ordered = displayOrder();
    current = ordered.find((c) => c.state === 'streaming') ?? current ?? ordered[0] ?? null;
    select(current?.id ?? null, false);
  }

  live.cameraStatus(current);
  liveActions(current);
}

function select(id, byOperator, write = true) {
  if (byOperator) {
    chosenByOperator = true;
    notice = '';
    banner('');
  }

  if (id !== selectedId || byOperator) {
    selectedId = id;
    if (view === 'single') {
      live.show(id);
      eventLog.setCamera(id);
    }

    counts.setCamera(id);
    sceneCharts.setCamera(id);
    scene.setCamera(id);
    sceneEditor.setCamera(id);
  }

  if (byOperator && write) {
    writeFragment();
  }

  liveActions(cameras.find((c) => c.id === id));
  for (const row of $('camera-rows').querySelectorAll('tr.camera-row')) {
    const selected = row.dataset.cameraId === id;
    row.classList.toggle('selected', selected);
    row.errorRow.classList.toggle('selected', selected);
    row.querySelector('.camera-name').setAttribute('aria-pressed', String(selected));
  }
}

function renderCameras() {
  // Rows are kept and updated in place (a pending "Confirm remove" or keyboard focus survives a refresh); each camera
  // has its row and, below it, a full-width row for its last error.
  const body = $('camera-rows');
  const existing = new Map([...body.querySelectorAll('tr.camera-row')].map((row) => [row.dataset.cameraId, row]));
  const wanted = [];
  const ordered = displayOrder();
  for (const camera of ordered) {
    const row = existing.get(camera.id) ?? createRow(camera.id);
    existing.delete(camera.id);
    updateRow(row, camera);
    wanted.push(row, row.errorRow);
  }

  wanted.forEach((node, index) => {
    if (body.children[index] !== node) {
      body.insertBefore(node, body.children[index] ?? null);
    }
  });
  while (body.children.length > wanted.length) {
    body.lastElementChild.remove();
  }

  $('cameras-empty').hidden = cameras.length > 0;
  $('known-models').replaceChildren(...[...new Set(cameras.map((c) => c.model))].map((m) => new Option(m)));
  applyFilter();
  grid.setCameras(ordered);
}

// The filter hides rows whose id lacks the text (any case); with two dozen cameras it beats scrolling.
function applyFilter() {
  const text = $('camera-filter').value.trim().toLowerCase();
  let shown = 0;
  for (const row of $('camera-rows').querySelectorAll('tr.camera-row')) {
    const match = row.dataset.cameraId.toLowerCase().includes(text);
    shown += match ? 1 : 0;
    row.hidden = !match;
    row.errorRow.hidden = !match || row.errorRow.querySelector('.camera-error').textContent === '';
  }

  const streaming = cameras.filter((c) => c.state === 'streaming').length;
  $('cameras-summary').textContent = cameras.length
    ? `${streaming} of ${cameras.length} streaming${text ? ` · ${shown} shown` : ''}`
    : '';
  $('cameras-unmatched').hidden = cameras.length === 0 || shown > 0;
}

$('camera-filter').addEventListener('input', applyFilter);

// ---- the watched camera's actions: edit, enable/disable ----

function liveActions(camera) {
  const edit = $('camera-edit');
  const enable = $('camera-enable');
  edit.hidden = !camera;
  enable.hidden = !camera;
  if (!camera) {
    return;
  }

  edit.setAttribute('aria-label', `Edit camera ${camera.id}`);
  enable.textContent = camera.enabled ? 'Disable' : 'Enable';
  enable.setAttribute('aria-label', `${camera.enabled ? 'Disable' : 'Enable'} camera ${camera.id}`);
  enable.title = camera.enabled ? 'Stop running it; it stays registered' : 'Run it again';
}

$('camera-edit').addEventListener('click', () => {
  const camera = cameras.find((c) => c.id === selectedId);
  if (camera) {
    editCamera(camera);
  }
});

$('camera-enable').addEventListener('click', async () => {
  const camera = cameras.find((c) => c.id === selectedId);
  if (!camera) {
    return;
  }

  const button = $('camera-enable');
  button.disabled = true;
  try {
    const response = await apiFetch(cameraPath(camera.id), {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ enabled: !camera.enabled }),
    });
    if (!response.ok) {
      banner(`Could not ${camera.enabled ? 'disable' : 'enable'} ${camera.id}: ${describeFailure(response, await problemOf(response))}`);
      return;
    }

    await refreshCameras();
  } catch {
    banner(`Could not change ${camera.id}: the gateway cannot be reached.`);
  } finally {
    button.disabled = false;
  }
});

function createRow(id) {
  const row = document.createElement('tr');
  row.className = 'camera-row';
  row.dataset.cameraId = id;

  const nameCell = document.createElement('th');
  nameCell.scope = 'row';
  const name = document.createElement('button');
  name.type = 'button';
  name.className = 'camera-name';
  idLabel(name, id);
  name.title = id; // the whole id, where the cell shows it cut short
  name.setAttribute('aria-pressed', 'false');
  name.addEventListener('click', () => select(id, true));
  const model = document.createElement('span');
  model.className = 'camera-model muted';
  nameCell.append(name, model);

  const stateCell = document.createElement('td');
  const state = document.createElement('span');
  state.className = 'state';
  stateCell.append(state);

  const fpsCell = document.createElement('td');
  fpsCell.className = 'num';
  const dropCell = document.createElement('td');
  dropCell.className = 'num';

  const actionCell = document.createElement('td');
  const remove = document.createElement('button');
  remove.type = 'button';
  remove.className = 'remove secondary';
  remove.textContent = 'Remove';
  remove.setAttribute('aria-label', `Remove camera ${id}`);
  remove.addEventListener('click', () => removeClicked(id, remove));
  actionCell.append(remove);

  row.append(nameCell, stateCell, fpsCell, dropCell, actionCell);

  const errorRow = document.createElement('tr');
  errorRow.className = 'camera-error-row';
  errorRow.hidden = true;
  const errorCell = document.createElement('td');
  errorCell.colSpan = 5;
  const error = document.createElement('p');
  error.className = 'camera-error';
  errorCell.append(error);
  errorRow.append(errorCell);
  errorRow.addEventListener('click', () => select(id, true));
  row.errorRow = errorRow;
  row.addEventListener('click', (e) => {
    if (!(e.target instanceof HTMLButtonElement)) {
      select(id, true);
    }
  });
  return row;
}

function updateRow(row, camera) {
  const [nameCell, stateCell, fpsCell, dropCell] = row.cells;
  const model = nameCell.querySelector('.camera-model');
  model.textContent = camera.model;
  model.title = camera.model;
  nameCell.title = camera.url;

  const state = stateCell.querySelector('.state');
  state.textContent = camera.state;
  state.className = `state state-${camera.state}`;
  row.dataset.state = camera.state;
  const message = camera.lastError && camera.state !== 'streaming' ? camera.lastError : '';
  const error = row.errorRow.querySelector('.camera-error');
  if (error.textContent !== message) {
    error.textContent = message;
    error.title = message;
    row.errorRow.hidden = message === '';
  }

  const processed = Number(camera.processedFps ?? 0).toFixed(1);
  const input = Number(camera.inputFps ?? 0).toFixed(1);
  fpsCell.textContent = `${processed} / ${input}`;
  // The dropped count too: a narrow screen hides its column.
  fpsCell.title = `analysed ${processed} fps, read ${input} fps, target ${camera.fps} fps; ${Number(camera.framesDropped ?? 0).toLocaleString()} dropped`;
  dropCell.textContent = Number(camera.framesDropped ?? 0).toLocaleString();
  dropCell.title = `${Number(camera.framesCaptured ?? 0).toLocaleString()} captured, ${Number(camera.framesProcessed ?? 0).toLocaleString()} analysed`;
  row.title = camera.lastFrameAt ? `last frame ${new Date(camera.lastFrameAt).toLocaleTimeString([], { hourCycle: 'h23' })}` : 'no frame yet';
}

async function removeClicked(id, button) {
  const armed = removeArmedUntil.get(id) ?? 0;
  if (Date.now() > armed) {
    // First click arms the button; a second one within a few seconds removes. No modal dialog in the way.
    removeArmedUntil.set(id, Date.now() + confirmRemoveMs);
    button.textContent = 'Confirm remove';
    button.classList.add('danger');
    setTimeout(() => {
      if ((removeArmedUntil.get(id) ?? 0) <= Date.now()) {
        button.textContent = 'Remove';
        button.classList.remove('danger');
      }
    }, confirmRemoveMs + 50);
    return;
  }

  removeArmedUntil.delete(id);
  button.disabled = true;
  let response;
  try {
    response = await apiFetch(cameraPath(id), { method: 'DELETE' });
  } catch {
    banner(`Could not remove ${id}: the gateway cannot be reached.`);
    button.disabled = false;
    return;
  }

  if (response.ok || response.status === 404) {
    forgetCamera(id);

    cameras = cameras.filter((c) => c.id !== id);
    renderCameras();
    chooseCamera();
  } else {
    banner(`Could not remove ${id}: ${describeFailure(response, await problemOf(response))}`);
    button.disabled = false;
    button.textContent = 'Remove';
    button.classList.remove('danger');
  }
}

// ---- polling ----

function every(ms, task) {
  const run = async () => {
    try {
      await task();
    } catch (error) {
      console.error(error); // one failed poll must not stop the next
    } finally {
      setTimeout(run, ms);
    }
  };
  run();
}

applyFragment();
every(camerasEveryMs, refreshCameras);
every(countsEveryMs, () => counts.refresh());
every(healthEveryMs, () => health.refresh());
every(sceneEveryMs, () => scene.refresh());
