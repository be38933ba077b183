// Talking to the gateway: the optional API key, fetch helpers, and URLs for EventSource/<img>.

const keyStorage = 'va.apiKey';

export function apiKey() {
  try {
    return localStorage.getItem(keyStorage) ?? '';
  } catch {
    return ''; // storage disabled: the page still works against an open gateway
  }
}

export function setApiKey(key) {
  try {
    if (key) {
      localStorage.setItem(keyStorage, key);
    } else {
      localStorage.removeItem(keyStorage);
    }
  } catch {
    // nothing to do: the key lasts only as long as the page
  }
}

/** Fetch with the API key header. Never throws for HTTP errors; network failures reject. */
export function apiFetch(path, options = {}) {
  const headers = new Headers(options.headers ?? {});
  const key = apiKey();
  if (key) {
    headers.set('X-Api-Key', key);
  }

  return fetch(path, { ...options, headers, cache: 'no-store' });
}

/** A URL for EventSource and <img>, which cannot send headers: the key goes in ?apiKey=. */
export function keyedUrl(path, query = {}) {
  const url = new URL(path, location.origin);
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') {
      url.searchParams.set(name, value);
    }
  }

  const key = apiKey();
  if (key) {
    url.searchParams.set('apiKey', key);
  }

  return url.pathname + url.search;
}

export function cameraPath(id, suffix = '') {
  return `/api/cameras/${encodeURIComponent(id)}${suffix}`;
}

/** The body of an error response as ProblemDetails (or a stand-in when it is not JSON). */
export async function problemOf(response) {
  try {
    const body = await response.json();
    if (body && typeof body === 'object') {
      return body;
    }
  } catch {
    // not JSON
  }

  return { title: response.statusText || `HTTP ${response.status}`, status: response.status };
}

/** What an operator should read for a failed request. */
export function describeFailure(response, problem) {
  if (response.status === 401) {
    return 'The gateway needs an API key: enter it at the top right.';
  }

  if (response.status === 403) {
    return 'This API key may watch but not change cameras (an admin key is needed).';
  }

  return problem?.detail || problem?.title || `HTTP ${response.status}`;
}
