// Event sinks (issue 17): where detections and zone/line events are delivered — MQTT brokers and webhooks. Lists
// GET /api/sinks (state, how far behind each sink is, its last error), adds one (POST /api/sinks; the gateway's 400
// names the bad field, shown beside it) and removes one (DELETE /api/sinks/{id}, a second click confirms, as for
// cameras). Self-contained: it fills the <details id="sinks-panel"> of the page and reads the API only while that is
// open (a closed panel costs no requests, and a page load asks nothing a gateway may not have), so the rest of the
// dashboard knows nothing of it. A gateway without the sinks API (404) says so instead of failing.
//
// The JSON shape it reads is written down in Tests/Gateway/DashboardTests.Sinks.cs (SinksJson). It reads defensively:
// a list or {sinks: [...]}; the URL at mqtt.url / webhook.url / url (the API shows it redacted); status.state; lag as
// status.lagPositions / status.lagSeconds, each a number (total) or per camera ({camera: n}), or status.cameras as a
// list or map of {lagPositions, lagSeconds}; status.lastError.

import { apiFetch, describeFailure, problemOf } from './api.js';

const everyMs = 5000;
const confirmMs = 5000;
const sinksPath = '/api/sinks';

const panel = document.getElementById('sinks-panel');
if (panel) {
  start(panel);
}

function start(root) {
  root.classList.add('sinks-panel');
  root.innerHTML = `
    <summary><h2 id="sinks-title">Event sinks</h2> <span id="sinks-summary" class="muted"></span></summary>
    <table id="sinks-table" class="sinks-table" hidden>
      <caption class="visually-hidden">Event sinks: where detections and zone and line events are delivered, refreshed every 5 seconds while shown.</caption>
      <thead>
        <tr>
          <th scope="col">Sink</th>
          <th scope="col">State</th>
          <th scope="col" title="events not yet delivered, and the age of the oldest of them">Behind</th>
          <th scope="col"><span class="visually-hidden">Actions</span></th>
        </tr>
      </thead>
      <tbody id="sink-rows"></tbody>
    </table>
    <p id="sinks-empty" class="muted empty" hidden>No sinks: events are only kept in the detection history. Add one below.</p>
    <p id="sinks-status" class="muted small" role="status"></p>
    <form id="sink-form" class="sink-form" novalidate>
      <h3 class="sink-form-title">Add a sink</h3>
      <div class="field-row">
        <div class="field">
          <label for="sink-id">Id <span class="req" aria-hidden="true">*</span></label>
          <input id="sink-id" name="id" required placeholder="home-assistant" spellcheck="false" autocomplete="off">
          <p class="field-error" data-sink-error-for="id"></p>
        </div>
        <div class="field sink-type-field">
          <label for="sink-type">Type</label>
          <select id="sink-type" name="type">
            <option value="mqtt">MQTT</option>
            <option value="webhook">Webhook</option>
          </select>
          <p class="field-error" data-sink-error-for="type"></p>
        </div>
      </div>
      <div class="field">
        <label for="sink-url">URL <span class="req" aria-hidden="true">*</span></label>
        <input id="sink-url" name="url" required spellcheck="false" autocomplete="off">
        <p class="field-error" data-sink-error-for="url"></p>
      </div>
      <div class="field" data-sink-kind="mqtt">
        <label for="sink-topic">Topic <span class="muted">({camera} and {type} are replaced)</span></label>
        <input id="sink-topic" name="topic" placeholder="videoanalytics/{camera}/{type}" spellcheck="false" autocomplete="off">
        <p class="field-error" data-sink-error-for="topic"></p>
      </div>
      <div class="field-row" data-sink-kind="mqtt">
        <div class="field">
          <label for="sink-qos">QoS</label>
          <select id="sink-qos" name="qos">
            <option value="1">1 — at least once</option>
            <option value="0">0 — at most once</option>
          </select>
          <p class="field-error" data-sink-error-for="qos"></p>
        </div>
        <div class="field field-check">
          <label for="sink-retain"><input id="sink-retain" name="retainOccupancy" type="checkbox" checked> Retain zone occupancy</label>
          <label for="sink-untrusted"><input id="sink-untrusted" name="allowUntrustedCertificate" type="checkbox"> Accept a self-signed broker (mqtts)</label>
        </div>
      </div>
      <div class="field" data-sink-kind="webhook" hidden>
        <label for="sink-secret">Secret <span class="muted">(optional: each request is signed with it)</span></label>
        <input id="sink-secret" name="secret" type="password" autocomplete="new-password" spellcheck="false">
        <p class="field-error" data-sink-error-for="secret"></p>
      </div>
      <div class="field">
        <label for="sink-cameras">Cameras <span class="muted">(comma-separated; empty = all, including ones added later)</span></label>
        <input id="sink-cameras" name="cameras" placeholder="entrance-1, lobby" spellcheck="false" autocomplete="off">
        <p class="field-error" data-sink-error-for="cameras"></p>
      </div>
      <div class="form-actions">
        <button type="submit" id="sink-submit">Add sink</button>
        <p id="sink-form-status" class="form-status" role="status" aria-live="polite"></p>
      </div>
    </form>`;

  const $ = (id) => root.querySelector(`#${id}`);
  const form = $('sink-form');
  const rows = $('sink-rows');
  const armed = new Map();
  let token = 0;

  const placeholders = { mqtt: 'mqtt://user:password@broker:1883 or mqtts://…', webhook: 'https://receiver.example/events' };
  function showKind() {
    const kind = form.elements.type.value;
    for (const el of form.querySelectorAll('[data-sink-kind]')) {
      el.hidden = el.dataset.sinkKind !== kind;
    }

    form.elements.url.placeholder = placeholders[kind] ?? '';
  }

  form.elements.type.addEventListener('change', showKind);
  showKind();

  root.addEventListener('toggle', () => {
    if (root.open) {
      refresh();
    }
  });
  setInterval(() => {
    if (root.open && document.visibilityState !== 'hidden') {
      refresh();
    }
  }, everyMs);

  async function refresh() {
    const mine = ++token;
    let response;
    try {
      response = await apiFetch(sinksPath);
    } catch {
      status('Gateway unreachable; retrying…');
      return;
    }

    if (mine !== token) {
      return;
    }

    if (response.status === 404) {
      render([]);
      $('sinks-empty').hidden = true;
      $('sinks-summary').textContent = '(not available)';
      status('This gateway has no event sinks API.');
      form.hidden = true;
      return;
    }

    if (!response.ok) {
      status(describeFailure(response, await problemOf(response)));
      return;
    }

    let body;
    try {
      body = await response.json();
    } catch {
      status('The gateway answered /api/sinks with something that is not JSON.');
      return;
    }

    if (mine !== token) {
      return;
    }

    form.hidden = false;
    status('');
    render(Array.isArray(body) ? body : (body?.sinks ?? body?.items ?? []));
  }

  function status(text) {
    $('sinks-status').textContent = text;
  }

  function render(sinks) {
    const list = sinks.filter((s) => s && typeof s.id === 'string').sort((a, b) => a.id.localeCompare(b.id));
    const existing = new Map([...rows.querySelectorAll('tr.sink-row')].map((row) => [row.dataset.sinkId, row]));
    const wanted = [];
    for (const sink of list) {
      const row = existing.get(sink.id) ?? createRow(sink.id);
      updateRow(row, sink);
      wanted.push(row, row.errorRow);
    }

    rows.replaceChildren(...wanted);
    $('sinks-table').hidden = list.length === 0;
    $('sinks-empty').hidden = list.length !== 0;
    const failing = list.filter((s) => stateOf(s) === 'failing' || stateOf(s) === 'failed' || lastErrorOf(s)).length;
    $('sinks-summary').textContent = list.length === 0
      ? ''
      : `${list.length} sink${list.length === 1 ? '' : 's'}${failing ? `, ${failing} with errors` : ''}`;
  }

  function createRow(id) {
    const row = document.createElement('tr');
    row.className = 'sink-row';
    row.dataset.sinkId = id;

    const nameCell = document.createElement('th');
    nameCell.scope = 'row';
    const name = document.createElement('span');
    name.className = 'sink-name';
    name.textContent = id;
    name.title = id;
    const target = document.createElement('span');
    target.className = 'sink-target muted';
    nameCell.append(name, target);

    const stateCell = document.createElement('td');
    const state = document.createElement('span');
    state.className = 'state sink-state';
    stateCell.append(state);

    const lagCell = document.createElement('td');
    lagCell.className = 'num sink-lag';

    const actionCell = document.createElement('td');
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.className = 'remove secondary';
    remove.textContent = 'Remove';
    remove.setAttribute('aria-label', `Remove sink ${id}`);
    remove.addEventListener('click', () => removeClicked(id, remove));
    actionCell.append(remove);
    row.append(nameCell, stateCell, lagCell, actionCell);

    const errorRow = document.createElement('tr');
    errorRow.className = 'sink-error-row';
    errorRow.hidden = true;
    const errorCell = document.createElement('td');
    errorCell.colSpan = 4;
    const error = document.createElement('p');
    error.className = 'camera-error sink-error';
    errorCell.append(error);
    errorRow.append(errorCell);
    row.errorRow = errorRow;
    return row;
  }

  function updateRow(row, sink) {
    const [nameCell, stateCell, lagCell] = row.cells;
    const type = String(sink.type ?? '');
    const url = sink[type]?.url ?? sink.mqtt?.url ?? sink.webhook?.url ?? sink.url ?? '';
    const target = nameCell.querySelector('.sink-target');
    target.textContent = [type, url].filter(Boolean).join(' · ');
    target.title = target.textContent;

    const state = sink.enabled === false ? 'disabled' : stateOf(sink) || 'unknown';
    const badge = stateCell.querySelector('.sink-state');
    badge.textContent = state;
    badge.className = `state sink-state sink-state-${state.replace(/[^a-z0-9-]/gi, '')}`;
    row.dataset.state = state;

    const lag = lagOf(sink.status);
    lagCell.textContent = lag.text;
    lagCell.title = lag.detail;
    row.dataset.lagPositions = lag.positions === null ? '' : String(lag.positions);

    const message = lastErrorOf(sink);
    const error = row.errorRow.querySelector('.sink-error');
    error.textContent = message;
    error.title = message;
    row.errorRow.hidden = message === '';
  }

  async function removeClicked(id, button) {
    if (!armed.has(id)) {
      button.textContent = 'Confirm remove';
      button.classList.add('danger');
      armed.set(id, setTimeout(() => {
        armed.delete(id);
        button.textContent = 'Remove';
        button.classList.remove('danger');
      }, confirmMs));
      return;
    }

    clearTimeout(armed.get(id));
    armed.delete(id);
    button.disabled = true;
    try {
      const response = await apiFetch(`${sinksPath}/${encodeURIComponent(id)}`, { method: 'DELETE' });
      if (!response.ok && response.status !== 404) {
        status(`Could not remove ${id}: ${describeFailure(response, await problemOf(response))}`);
        return;
      }

      status(`Removed ${id}.`);
      await refresh();
    } catch {
      status(`Could not remove ${id}: the gateway cannot be reached.`);
    } finally {
      button.disabled = false;
      button.textContent = 'Remove';
      button.classList.remove('danger');
    }
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    fieldErrors({});
    const f = form.elements;
    const type = f.type.value;
    const cameras = f.cameras.value.split(',').map((c) => c.trim()).filter(Boolean);
    const spec = { id: f.id.value.trim(), type, enabled: true, cameras };
    if (type === 'mqtt') {
      spec.mqtt = {
        url: f.url.value.trim(),
        topic: f.topic.value.trim() || undefined, // empty: the gateway's default template
        qos: Number(f.qos.value),
        retainOccupancy: f.retainOccupancy.checked,
        allowUntrustedCertificate: f.allowUntrustedCertificate.checked,
      };
    } else {
      spec.webhook = { url: f.url.value.trim(), secret: f.secret.value || undefined };
    }

    const submit = $('sink-submit');
    submit.disabled = true;
    formStatus('Adding…');
    try {
      const response = await apiFetch(sinksPath, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(spec),
      });
      if (!response.ok) {
        const problem = await problemOf(response);
        const unplaced = fieldErrors(problem.errors);
        formStatus([describeFailure(response, problem), ...unplaced].filter(Boolean).join(' '), 'bad');
        return;
      }

      form.reset();
      showKind();
      formStatus(`Added ${spec.id}.`, 'ok');
      await refresh();
    } catch {
      formStatus('The gateway cannot be reached.', 'bad');
    } finally {
      submit.disabled = false;
    }
  });

  function formStatus(text, kind) {
    const el = $('sink-form-status');
    el.textContent = text;
    el.className = `form-status ${kind ?? ''}`;
  }

  // ProblemDetails errors are keyed by the spec's member path ("mqtt.url", "Webhook.Secret", "cameras[0]", "id"): the
  // last member names the field. Returns the messages of fields the form does not show.
  function fieldErrors(errors) {
    const byField = new Map();
    for (const [key, value] of Object.entries(errors ?? {})) {
      const field = key.replace(/\[\d+\]$/, '').split('.').pop().toLowerCase();
      const text = Array.isArray(value) ? value.join(' ') : String(value);
      byField.set(field, [byField.get(field), text].filter(Boolean).join(' '));
    }

    let first = null;
    for (const slot of form.querySelectorAll('[data-sink-error-for]')) {
      const field = slot.dataset.sinkErrorFor;
      const message = byField.get(field.toLowerCase()) ?? '';
      byField.delete(field.toLowerCase());
      slot.textContent = message;
      const input = form.elements[field];
      input?.setAttribute('aria-invalid', String(message !== ''));
      if (message && !first) {
        first = input;
      }
    }

    first?.focus();
    return [...byField.values()];
  }
}

function stateOf(sink) {
  const state = sink?.status?.state ?? sink?.state;
  return typeof state === 'string' ? state.toLowerCase() : '';
}

function lastErrorOf(sink) {
  const error = sink?.status?.lastError ?? sink?.lastError;
  return typeof error === 'string' ? error : '';
}

/** How far behind a sink is: a total of undelivered positions and the oldest age, with a per-camera breakdown. */
function lagOf(status) {
  const perCamera = new Map(); // camera -> {positions, seconds}
  const add = (camera, positions, seconds) => {
    const entry = perCamera.get(camera) ?? { positions: null, seconds: null };
    if (Number.isFinite(Number(positions)) && positions !== null && positions !== undefined) {
      entry.positions = (entry.positions ?? 0) + Number(positions);
    }

    if (Number.isFinite(Number(seconds)) && seconds !== null && seconds !== undefined) {
      entry.seconds = Math.max(entry.seconds ?? 0, Number(seconds));
    }

    perCamera.set(camera, entry);
  };

  const positions = status?.lagPositions;
  const seconds = status?.lagSeconds;
  if (positions && typeof positions === 'object') {
    for (const [camera, n] of Object.entries(positions)) {
      add(camera, n, undefined);
    }
  }

  if (seconds && typeof seconds === 'object') {
    for (const [camera, s] of Object.entries(seconds)) {
      add(camera, undefined, s);
    }
  }

  const cameras = status?.cameras;
  const entries = Array.isArray(cameras)
    ? cameras.map((c) => [c?.camera ?? c?.cameraId ?? c?.id ?? '?', c])
    : Object.entries(cameras && typeof cameras === 'object' ? cameras : {});
  for (const [camera, c] of entries) {
    add(camera, c?.lagPositions, c?.lagSeconds);
  }

  // A total the API gives wins over the sum of its parts (they should agree); without one, the parts add up.
  let sum = null;
  let oldest = null;
  for (const entry of perCamera.values()) {
    sum = entry.positions === null ? sum : (sum ?? 0) + entry.positions;
    oldest = entry.seconds === null ? oldest : Math.max(oldest ?? 0, entry.seconds);
  }

  const totalPositions = typeof positions === 'number' ? positions : sum;
  const maxSeconds = typeof seconds === 'number' ? seconds : oldest;
  const parts = [];
  if (totalPositions !== null) {
    parts.push(`${totalPositions} event${totalPositions === 1 ? '' : 's'}`);
  }

  if (maxSeconds !== null && totalPositions !== 0) {
    parts.push(formatSeconds(maxSeconds));
  }

  const detail = [...perCamera.entries()]
    .map(([camera, e]) => `${camera}: ${e.positions ?? '?'} behind${e.seconds === null ? '' : `, ${formatSeconds(e.seconds)}`}`)
    .join('\n');
  return { text: parts.length ? parts.join(' · ') : '—', detail, positions: totalPositions };
}

function formatSeconds(s) {
  return s < 60 ? `${s.toFixed(s < 10 ? 1 : 0)} s` : s < 3600 ? `${Math.round(s / 60)} min` : `${(s / 3600).toFixed(1)} h`;
}
