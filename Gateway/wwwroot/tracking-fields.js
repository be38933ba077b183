// The camera form's tracker thresholds: the camera's own `tracking` object, where every field left empty follows the
// silo's Inference:Tracking setting. The inputs are built from one table so that the form, its read-back and its
// error slots cannot disagree on a name; ranges are the gateway's to check (its 400 names `tracking.<field>`, and
// the form shows that message beside the field), the page only tells a number from a typo.

const FIELDS = [
  { name: 'highScore', label: 'High score', hint: '0..1; first association' },
  { name: 'lowScore', label: 'Low score', hint: '0..1; only continues tracks' },
  { name: 'newTrackScore', label: 'New track score', hint: 'high score..1' },
  { name: 'confirmHits', label: 'Confirm hits', hint: 'whole, 1..100', whole: true },
  { name: 'matchCost', label: 'Match cost', hint: '0..1; 1 − IoU·score' },
  { name: 'lowMatchCost', label: 'Low match cost', hint: '0..1; 1 − IoU' },
  { name: 'tentativeMatchCost', label: 'Tentative match cost', hint: '0..1' },
  { name: 'boxBuffer', label: 'Box buffer', hint: '0..5; widens boxes' },
  { name: 'trackBuffer', label: 'Track buffer', hint: 'frames at 30 fps, 1..10000', whole: true },
];

const SWITCH = 'lostTakeLowScores';

const inputName = (field) => `tracking.${field}`;

/** Builds the inputs into <container> (once, at page load). */
export function buildTrackingFields(container) {
  for (const field of FIELDS) {
    const input = document.createElement('input');
    input.type = 'number';
    input.inputMode = field.whole ? 'numeric' : 'decimal';
    input.step = field.whole ? '1' : 'any';
    input.placeholder = "silo's";
    input.title = field.hint;
    container.append(labelled(field.name, field.label, input));
  }

  const select = document.createElement('select');
  for (const [value, text] of [['', "silo's"], ['true', 'yes'], ['false', 'no']]) {
    select.append(new Option(text, value));
  }
  container.append(labelled(SWITCH, 'Lost tracks take low scores', select));
}

// One form field: <control> named by the API's name (tracking.<name>), its label and the slot for the gateway's message.
function labelled(name, text, control) {
  const id = `cam-tracking-${name}`;
  control.id = id;
  control.name = inputName(name);
  control.setAttribute('aria-describedby', `${id}-error`);
  const label = document.createElement('label');
  label.htmlFor = id;
  label.textContent = text;
  const error = document.createElement('p');
  error.className = 'field-error';
  error.id = `${id}-error`;
  error.dataset.errorFor = control.name;
  const wrap = document.createElement('div');
  wrap.className = 'field';
  wrap.append(label, control, error);
  return wrap;
}

/** Shows <tracking> (a camera's `tracking` from GET, or null: the silo's for every field) in the form's inputs. */
export function showTracking(elements, tracking) {
  for (const field of FIELDS) {
    const value = tracking?.[field.name];
    elements[inputName(field.name)].value = value ?? '';
  }
  const flag = tracking?.[SWITCH];
  elements[inputName(SWITCH)].value = flag === true ? 'true' : flag === false ? 'false' : '';
}

/** True when any tracking field has a value: the form then opens the tracking section. */
export function anyTracking(tracking) {
  return [...FIELDS.map((f) => f.name), SWITCH].some((name) => tracking?.[name] !== undefined && tracking?.[name] !== null);
}

/**
 * Reads the inputs into a `tracking` object holding only the fields that have a value ({} when none: the silo's for
 * every field). Typos land in <errors> under the field's API name.
 */
export function readTracking(elements, errors) {
  const tracking = {};
  for (const field of FIELDS) {
    const input = elements[inputName(field.name)];
    if (input.validity.badInput) {
      errors[input.name] = 'Enter a number.';
    } else if (input.value !== '') {
      tracking[field.name] = Number(input.value);
    }
  }
  const flag = elements[inputName(SWITCH)].value;
  if (flag !== '') {
    tracking[SWITCH] = flag === 'true';
  }
  return tracking;
}
