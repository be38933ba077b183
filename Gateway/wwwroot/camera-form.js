// The camera form: adds a camera (POST), or edits one (PATCH: only the fields it sends change). In both the
// gateway's 400 names the bad field, and the message is shown beside that field.

import { apiFetch, cameraPath, describeFailure, problemOf } from './api.js';
import { anyTracking, buildTrackingFields, readTracking, showTracking } from './tracking-fields.js';

const $ = (id) => document.getElementById(id);
const form = $('camera-form');
let editing = null; // the id of the camera the form edits, or null: the form adds
let onSaved = async () => {};
buildTrackingFields($('cam-tracking-fields'));

/** Calls <saved> (and awaits it) after a camera was added or saved: the page's one form reports to one listener. */
export function onCameraSaved(saved) {
  onSaved = saved;
}

/** Fills the form with <camera> (an object from GET /api/cameras) to edit it. */
export function editCamera(camera) {
  startEdit(camera);
}

/** <id> was removed: stop editing it. */
export function forgetCamera(id) {
  if (editing === id) {
    endEdit();
  }
}

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

  if (first) {
    first.closest('details').open = true; // a refused tracking threshold sits in its own folded section
    first.focus();
  }

  return [...byField.values()]; // errors for fields the form does not have
}

function formStatus(text, kind) {
  const el = $('form-status');
  el.textContent = text;
  el.className = `form-status ${kind ?? ''}`;
}

function startEdit(camera) {
  editing = camera.id;
  fieldErrors({});
  formStatus('');
  const fields = form.elements;
  fields.id.value = camera.id;
  fields.id.readOnly = true; // an id is the camera's key: edit it by adding a new camera
  // The API shows the URL with its credentials redacted: sending that back would store the redaction. Empty keeps it.
  fields.url.value = '';
  fields.url.required = false;
  fields.url.placeholder = 'unchanged; type a new URL to replace it';
  $('cam-url-hint').textContent = `Now: ${camera.url}`;
  $('cam-url-hint').hidden = false;
  fields.fps.value = camera.fps ?? '';
  fields.minScore.value = camera.minScore ?? '';
  fields.model.value = camera.model ?? '';
  fields.classes.value = (camera.classes ?? []).join(', ');
  fields.enabled.checked = camera.enabled !== false;
  showTracking(fields, camera.tracking);
  $('cam-tracking').open = anyTracking(camera.tracking);
  $('form-title').textContent = `Edit camera ${camera.id}`;
  $('cam-submit').textContent = 'Save changes';
  $('cam-cancel').hidden = false;
  const details = $('add-camera');
  details.open = true;
  details.scrollIntoView({ block: 'nearest' });
  fields.fps.focus({ preventScroll: true });
}

function endEdit() {
  editing = null;
  form.reset();
  fieldErrors({});
  const fields = form.elements;
  fields.id.readOnly = false;
  fields.url.required = true;
  fields.url.placeholder = 'rtsp://user:pass@host/path or a file under a media root';
  $('cam-url-hint').hidden = true;
  $('cam-tracking').open = false;
  $('form-title').textContent = 'Add a camera';
  $('cam-submit').textContent = 'Add camera';
  $('cam-cancel').hidden = true;
}

$('cam-cancel').addEventListener('click', () => {
  endEdit();
  formStatus('');
});

form.addEventListener('submit', async (e) => {
  e.preventDefault();
  const value = (name) => form.elements[name].value.trim();
  const errors = {};
  const editId = editing;
  const body = editId ? {} : { id: value('id') };
  if (!editId && !body.id) {
    errors.id = 'Id is required.';
  }

  if (value('url')) {
    body.url = value('url');
  } else if (!editId) {
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
  if (classes.length > 0 || editId) {
    body.classes = classes; // editing: an emptied field means all classes again
  }

  // A PATCH that sends `tracking` replaces the camera's object as a whole: editing always sends what the form shows
  // (emptied fields go back to the silo's); adding sends it only when a field is set.
  const tracking = readTracking(form.elements, errors);
  if (editId || Object.keys(tracking).length > 0) {
    body.tracking = tracking;
  }

  body.enabled = form.elements.enabled.checked;

  if (Object.keys(errors).length > 0) {
    fieldErrors(errors);
    formStatus('Fix the marked fields.', 'bad');
    return;
  }

  const submit = $('cam-submit');
  submit.disabled = true;
  formStatus(editId ? 'Saving…' : 'Adding…');
  try {
    const response = await apiFetch(editId ? cameraPath(editId) : '/api/cameras', {
      method: editId ? 'PATCH' : 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (response.status === 201 || (editId && response.ok)) {
      if (editId) {
        endEdit();
        formStatus(`Camera ${editId} saved; running cameras take the change within a few seconds.`, 'ok');
      } else {
        fieldErrors({});
        form.reset();
        formStatus(`Camera ${body.id} added; it starts within a few seconds.`, 'ok');
      }

      await onSaved();
      return;
    }

    const problem = await problemOf(response);
    if (response.status === 400 && problem.errors) {
      const other = fieldErrors(problem.errors);
      formStatus(other.length ? other.join(' ') : 'The gateway refused some fields: see the messages above.', 'bad');
    } else if (response.status === 409) {
      fieldErrors({ id: problem.detail ?? `A camera ${body.id} already exists.` });
      formStatus('Choose another id.', 'bad');
    } else if (editId && response.status === 404) {
      endEdit();
      formStatus(`Camera ${editId} no longer exists.`, 'bad');
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
