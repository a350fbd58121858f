import { apiFetch, apiJson, readEventStream } from "./api.js";

const MAX_LINES = 2000;

/**
 * One access-log line as { model, status }, else undefined. The controller writes them (DESIGN.md, Observability) as
 * `TIME INFO access ID CLIENT "POST /v1/chat/completions" 200 model=m ...` (TEXT) or one JSON object with `route`,
 * `status` and `model` (JSON); `model=... status=...` fields are read too.
 */
export function parseAccessLine(line) {
  const start = line.indexOf("{");
  if (start !== -1) {
    try {
      const record = JSON.parse(line.slice(start));
      const status = record.status ?? record.status_code;
      if (status !== undefined && (record.route !== undefined || record.method !== undefined || record.model !== undefined)) {
        return { model: record.model ?? record.model_name ?? "", status: String(status) };
      }
    } catch {
      // not JSON: try the text forms
    }
  }
  const status = /\bstatus[=:]"?(\d{3})\b/.exec(line)?.[1] ?? /"(?:GET|POST|PUT|DELETE|OPTIONS|HEAD) [^"\s]+" (\d{3})\b/.exec(line)?.[1];
  if (status === undefined) return undefined;
  const model = /\bmodel[=:]"?([^"\s]+)/.exec(line)?.[1] ?? "";
  return { model: model === "-" ? "" : model, status };
}

/** "200", "5xx", "4" match statuses the way people type them. */
export function statusMatches(filter, status) {
  const wanted = filter.trim().toLowerCase().replace(/x+$/, "");
  return wanted === "" || status.startsWith(wanted);
}

export function startLogs() {
  const select = document.getElementById("log-source");
  const output = document.getElementById("log-lines");
  const modelFilter = document.getElementById("log-model");
  const statusFilter = document.getElementById("log-status");
  const accessOnly = document.getElementById("log-access");
  const follow = document.getElementById("log-follow");
  let lines = [];
  let stream;

  const visible = (line) => {
    const filtering = accessOnly.checked || modelFilter.value.trim() !== "" || statusFilter.value.trim() !== "";
    if (!filtering) return true;
    const access = parseAccessLine(line);
    if (access === undefined) return false;
    return access.model.includes(modelFilter.value.trim()) && statusMatches(statusFilter.value, access.status);
  };
  const lineNode = (line) => {
    const node = document.createElement("div");
    node.textContent = line;
    if (parseAccessLine(line) !== undefined) node.className = "access";
    else if (/\b(error|failed|fatal)\b/i.test(line)) node.className = "err";
    return node;
  };
  const redraw = () => {
    output.replaceChildren(...lines.filter(visible).map(lineNode));
    if (follow.checked) output.scrollTop = output.scrollHeight;
  };
  const append = (fresh) => {
    lines = lines.concat(fresh).slice(-MAX_LINES);
    const shown = fresh.filter(visible).map(lineNode);
    output.append(...shown);
    while (output.childElementCount > MAX_LINES) output.firstElementChild.remove();
    if (follow.checked && shown.length > 0) output.scrollTop = output.scrollHeight;
  };

  const open = async () => {
    stream?.abort();
    stream = new AbortController();
    lines = [];
    output.replaceChildren();
    if (select.value === "") return;
    try {
      const response = await apiFetch(`/ui/api/logs/stream?source=${encodeURIComponent(select.value)}&tail=500`,
        { signal: stream.signal });
      if (!response.ok) return;
      await readEventStream(response, (data) => append(JSON.parse(data).lines));
    } catch (error) {
      if (error.name !== "AbortError") append([`(log stream ended: ${error.message})`]);
    }
  };

  const refreshSources = async () => {
    try {
      const { sources } = await apiJson("/ui/api/logs");
      const current = select.value;
      const ids = sources.map((source) => source.id).join("\n");
      if (ids !== select.dataset.ids) {
        select.dataset.ids = ids;
        select.replaceChildren(...sources.map((source) => new Option(source.label, source.id)));
        select.value = sources.some((source) => source.id === current) ? current : "controller";
        if (select.value !== current) void open();
      }
    } catch {
      // the status poll reports the connection
    }
  };

  select.addEventListener("change", () => void open());
  for (const input of [modelFilter, statusFilter, accessOnly]) input.addEventListener("input", redraw);
  return {
    activate: () => {
      void refreshSources();
    },
    refreshSources,
  };
}
