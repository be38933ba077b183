// The dashboard: cameras and their state, the live view of one camera, detection counts, service health, and
// adding/removing cameras. Plain ES modules against the gateway's HTTP API; every optional route may be missing.

import { apiFetch, apiKey, cameraPath, describeFailure, problemOf, setApiKey } from './api.js';
import { CountsChart } from './counts-chart.js';
import { HealthPanel } from './health.js';
import { LiveView } from './live-view.js';

const camerasEveryMs = 2000;
const countsEveryMs = 10000;
const healthEveryMs = 5000;
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
const health = new HealthPanel({
  values: $('health-values'),
  unavailable: $('health-unavailable'),
  batch: $('health-batch'),
  latency: $('health-latency'),
  drops: $('health-drops'),
  note: $('health-note'),
});

let cameras = [];
let chosenByOperator = false;
const removeArmedUntil = new Map();

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
  live.show(live.cameraId, true);
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
  banner('');
  $('connection').textContent = `Connected · updated ${new Date().toLocaleTimeString([], { hourCycle: 'h23' })}`;
  $('connection').className = 'connection ok';
  renderCameras();
  chooseCamera();
}

function chooseCamera() {
  const current = cameras.find((c) => c.id === live.cameraId);
  if (!current || !chosenByOperator) {
    const preferred = current ?? cameras.find((c) => c.state === 'streaming') ?? cameras[0] ?? null;
    select(preferred?.id ?? null, false);
  }

  live.cameraStatus(cameras.find((c) => c.id === live.cameraId));
}

function select(id, byOperator) {
  if (byOperator) {
    chosenByOperator = true;
  }

  live.show(id);
  counts.setCamera(id);
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
  for (const camera of [...cameras].sort((a, b) => a.id.localeCompare(b.id))) {
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
  const streaming = cameras.filter((c) => c.state === 'streaming').length;
  $('cameras-summary').textContent = cameras.length ? `${streaming} of ${cameras.length} streaming` : '';
  $('known-models').replaceChildren(...[...new Set(cameras.map((c) => c.model))].map((m) => new Option(m)));
}

function createRow(id) {
  const row = document.createElement('tr');
  row.className = 'camera-row';
  row.dataset.cameraId = id;

  const nameCell = document.createElement('th');
  nameCell.scope = 'row';
  const name = document.createElement('button');
  name.type = 'button';
  name.className = 'camera-name';
  name.textContent = id;
  name.title = `Watch ${id}`;
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
  fpsCell.title = `analysed ${processed} fps, read ${input} fps, target ${camera.fps} fps`;
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

// ---- add-camera form ----

const form = $('camera-form');

function fieldErrors(errors) {
  const byField = new Map(Object.entries(errors ?? {}).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(' ') : String(v)]));
  let first = null;
  for (const slot of form.querySelectorAll('[data-error-for]')) {
    const field = slot.dataset.errorFor;
    const message = byField.get(field.toLowerCase()) ?? '';
    byField.delete(field.toLowerCase());
    slot.textContent = message;
    const input = form.elements[field];
    input.setAttribute('aria-invalid', String(message !== ''));
    if (message && !first) {
      first = input;
    }
  }

  first?.focus();
  return [...byField.values()]; // errors for fields the form does not have
}

function formStatus(text, kind) {
  const el = $('form-status');
  el.textContent = text;
  el.className = `form-status ${kind ?? ''}`;
}

form.addEventListener('submit', async (e) => {
  e.preventDefault();
  const value = (name) => form.elements[name].value.trim();
  const errors = {};
  const body = { id: value('id'), url: value('url') };
  if (!body.id) {
    errors.id = 'Id is required.';
  }

  if (!body.url) {
    errors.url = 'URL is required.';
  }

  for (const name of ['fps', 'minScore']) {
    const input = form.elements[name];
    if (input.validity.badInput) {
      errors[name] = 'Enter a number.';
    } else if (input.value !== '') {
      body[name] = Number(input.value);
    }
  }

  if (value('model')) {
    body.model = value('model');
  }

  const classes = value('classes').split(',').map((c) => c.trim()).filter((c) => c !== '');
  if (classes.length > 0) {
    body.classes = classes;
  }

  if (Object.keys(errors).length > 0) {
    fieldErrors(errors);
    formStatus('Fix the marked fields.', 'bad');
    return;
  }

  const submit = $('cam-submit');
  submit.disabled = true;
  formStatus('Adding…');
  try {
    const response = await apiFetch('/api/cameras', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (response.status === 201) {
      fieldErrors({});
      form.reset();
      formStatus(`Camera ${body.id} added; it starts within a few seconds.`, 'ok');
      await refreshCameras();
      return;
    }

    const problem = await problemOf(response);
    if (response.status === 400 && problem.errors) {
      const other = fieldErrors(problem.errors);
      formStatus(other.length ? other.join(' ') : 'The gateway refused some fields: see the messages above.', 'bad');
    } else if (response.status === 409) {
      fieldErrors({ id: problem.detail ?? `A camera ${body.id} already exists.` });
      formStatus('Choose another id.', 'bad');
    } else {
      fieldErrors({});
      formStatus(describeFailure(response, problem), 'bad');
    }
  } catch {
    formStatus('The gateway cannot be reached.', 'bad');
  } finally {
    submit.disabled = false;
  }
});

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

every(camerasEveryMs, refreshCameras);
every(countsEveryMs, () => counts.refresh());
every(healthEveryMs, () => health.refresh());
