// The console's one way to the server: same origin, the API key (if any) from this tab's sessionStorage.
const KEY_ITEM = "llmserve.apiKey";

export function apiKey() {
  return sessionStorage.getItem(KEY_ITEM) ?? "";
}

export function setApiKey(key) {
  sessionStorage.setItem(KEY_ITEM, key);
}

export class AuthRequiredError extends Error {}

export function authHeaders() {
  const key = apiKey();
  return key === "" ? {} : { authorization: `Bearer ${key}` };
}

/** fetch with the key; a 401 throws AuthRequiredError (the page then asks for the key). */
export async function apiFetch(path, init = {}) {
  const response = await fetch(path, { ...init, headers: { ...authHeaders(), ...(init.headers ?? {}) } });
  if (response.status === 401) throw new AuthRequiredError("API key required");
  return response;
}

export async function apiJson(path) {
  const response = await apiFetch(path);
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return response.json();
}

/** Reads a text/event-stream body, calling onData with each event's data (fetch, not EventSource: it sends headers). */
export async function readEventStream(response, onData) {
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end;
    while ((end = buffer.indexOf("\n\n")) !== -1) {
      const event = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = event.split("\n").filter((line) => line.startsWith("data:")).map((line) => line.slice(5).trimStart()).join("\n");
      if (data !== "") onData(data);
    }
  }
}
