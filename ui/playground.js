import { apiFetch, apiJson, readEventStream } from "./api.js";
import { el } from "./dom.js";

const byId = (id) => document.getElementById(id);

/** The chat playground: streamed answers with the reasoning in its own block, and the request as code. */
export function startPlayground() {
  const history = [];
  let running;

  const settings = () => ({
    model: byId("pg-model").value,
    thinking: byId("pg-thinking").checked,
    budget: byId("pg-budget").value.trim(),
    temperature: Number(byId("pg-temperature").value),
    maxTokens: byId("pg-max-tokens").value.trim(),
    system: byId("pg-system").value.trim(),
  });

  const requestBody = (prompt) => {
    const s = settings();
    const messages = [
      ...(s.system !== "" ? [{ role: "system", content: s.system }] : []),
      ...history,
      { role: "user", content: prompt },
    ];
    return {
      model: s.model,
      messages,
      stream: true,
      stream_options: { include_usage: true },
      temperature: s.temperature,
      ...(s.maxTokens !== "" ? { max_tokens: Number(s.maxTokens) } : {}),
      chat_template_kwargs: { enable_thinking: s.thinking, thinking: s.thinking },
      ...(s.budget !== "" && s.thinking ? { thinking_token_budget: Number(s.budget) } : {}),
    };
  };

  const showCode = () => {
    const body = requestBody(byId("pg-prompt").value || "Hello!");
    byId("pg-curl").textContent = curlFor(body);
    byId("pg-python").textContent = pythonFor(body);
  };

  const send = async (prompt) => {
    const body = requestBody(prompt);
    history.push({ role: "user", content: prompt });
    const messages = byId("pg-messages");
    messages.append(el("div", { className: "msg user" }, prompt));
    const reasoningText = el("div");
    const reasoning = el("details", { className: "reasoning", open: true, hidden: true }, el("summary", {}, "Reasoning"), reasoningText);
    const answer = el("div", { className: "answer" });
    const meta = el("div", { className: "meta" }, "waiting…");
    const bubble = el("div", { className: "msg assistant", dataset: { state: "streaming" } }, reasoning, answer, meta);
    messages.append(bubble);
    messages.scrollTop = messages.scrollHeight;

    running = new AbortController();
    byId("pg-send").hidden = true;
    byId("pg-stop").hidden = false;
    const started = performance.now();
    let firstTokenAt;
    let usage;
    let finishReason;
    let timings;
    try {
      const response = await apiFetch("/v1/chat/completions", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
        signal: running.signal,
      });
      if (!response.ok) {
        const error = await response.json().catch(() => undefined);
        throw new Error(error?.error?.message ?? `HTTP ${response.status}`);
      }
      await readEventStream(response, (data) => {
        if (data === "[DONE]") return;
        const chunk = JSON.parse(data);
        if (chunk.error !== undefined) throw new Error(chunk.error.message);
        usage = chunk.usage ?? usage;
        timings = chunk.timings ?? timings;
        const choice = chunk.choices?.[0];
        if (choice === undefined) return;
        finishReason = choice.finish_reason ?? finishReason;
        const delta = choice.delta ?? {};
        const thought = delta.reasoning_content ?? delta.reasoning;
        // Leading newlines (after `<think>`, between the thought and the answer) only push the text down.
        if (thought) {
          reasoning.hidden = false;
          reasoningText.append(reasoningText.textContent === "" ? thought.trimStart() : thought);
        }
        if (delta.content) answer.append(answer.textContent === "" ? delta.content.trimStart() : delta.content);
        if ((thought || delta.content) && firstTokenAt === undefined) firstTokenAt = performance.now();
        messages.scrollTop = messages.scrollHeight;
      });
      history.push({ role: "assistant", content: answer.textContent });
      meta.textContent = describeAnswer({ started, firstTokenAt, ended: performance.now(), usage, finishReason, timings });
    } catch (error) {
      history.pop();
      meta.textContent = "";
      bubble.append(el("div", { className: "error" }, error.name === "AbortError" ? "Stopped." : error.message));
    } finally {
      bubble.dataset.state = "done";
      byId("pg-send").hidden = false;
      byId("pg-stop").hidden = true;
      running = undefined;
    }
  };

  byId("pg-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const prompt = byId("pg-prompt").value.trim();
    if (prompt === "" || running !== undefined) return;
    byId("pg-prompt").value = "";
    void send(prompt);
  });
  byId("pg-prompt").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      byId("pg-form").requestSubmit();
    }
  });
  byId("pg-stop").addEventListener("click", () => running?.abort());
  byId("pg-clear").addEventListener("click", () => {
    history.length = 0;
    byId("pg-messages").replaceChildren();
  });
  for (const id of ["pg-model", "pg-thinking", "pg-budget", "pg-temperature", "pg-max-tokens", "pg-system", "pg-prompt"]) {
    byId(id).addEventListener("input", showCode);
  }
  for (const button of document.querySelectorAll("[data-copy]")) {
    button.addEventListener("click", () => void navigator.clipboard?.writeText(byId(button.dataset.copy).textContent));
  }

  return {
    activate: async () => {
      try {
        const { data } = await apiJson("/v1/models");
        const select = byId("pg-model");
        const current = select.value;
        select.replaceChildren(...data.map((model) => new Option(model.id, model.id)));
        if (data.some((model) => model.id === current)) select.value = current;
      } catch {
        // the status poll reports the connection
      }
      showCode();
    },
  };
}

function describeAnswer({ started, firstTokenAt, ended, usage, finishReason, timings }) {
  const parts = [];
  if (firstTokenAt !== undefined) parts.push(`first token ${Math.round(firstTokenAt - started)} ms`);
  parts.push(`total ${Math.round(ended - started)} ms`);
  if (usage !== undefined) {
    parts.push(`${usage.prompt_tokens} prompt + ${usage.completion_tokens} completion tokens`);
    const reasoningTokens = usage.completion_tokens_details?.reasoning_tokens;
    if (reasoningTokens !== undefined) parts.push(`${reasoningTokens} reasoning`);
    const seconds = (ended - (firstTokenAt ?? started)) / 1000;
    if (seconds > 0 && usage.completion_tokens > 1) parts.push(`${((usage.completion_tokens - 1) / seconds).toFixed(1)} tokens/s`);
  }
  if (timings?.predicted_per_second !== undefined) parts.push(`server ${timings.predicted_per_second.toFixed(1)} tokens/s`);
  if (finishReason !== undefined) parts.push(`finish ${finishReason}`);
  return parts.join(" · ");
}

function curlFor(body) {
  const json = JSON.stringify(body, null, 2).replaceAll("'", "'\\''");
  const key = document.querySelector("#keyform:not([hidden])") !== null || sessionStorage.getItem("llmserve.apiKey")
    ? ` \\\n  -H "Authorization: Bearer $LLMSERVE_API_KEY"` : "";
  return `curl -N ${location.origin}/v1/chat/completions \\\n  -H "Content-Type: application/json"${key} \\\n  -d '${json}'`;
}

function pythonFor(body) {
  const { model, messages, stream, stream_options, temperature, max_tokens, ...extra } = body;
  const maxTokensLine = max_tokens !== undefined ? [`    max_tokens=${max_tokens},`] : [];
  const py = (value) => JSON.stringify(value, null, 4).replace(/\btrue\b/g, "True").replace(/\bfalse\b/g, "False").replace(/\bnull\b/g, "None");
  return [
    "from openai import OpenAI",
    "",
    `client = OpenAI(base_url="${location.origin}/v1", api_key=os.environ.get("LLMSERVE_API_KEY", "none"))`,
    "stream = client.chat.completions.create(",
    `    model=${JSON.stringify(model)},`,
    `    messages=${py(messages).replaceAll("\n", "\n    ")},`,
    `    temperature=${temperature},`,
    ...maxTokensLine,
    "    stream=True,",
    `    stream_options=${py(stream_options)},`,
    `    extra_body=${py(extra).replaceAll("\n", "\n    ")},`,
    ")",
    "for chunk in stream:",
    "    if chunk.choices:",
    "        delta = chunk.choices[0].delta",
    "        thought = getattr(delta, \"reasoning_content\", None) or getattr(delta, \"reasoning\", None)",
    "        print(thought or delta.content or \"\", end=\"\", flush=True)",
    "    elif chunk.usage:",
    "        print(\"\\n\", chunk.usage)",
  ].join("\n").replace("from openai import OpenAI", "import os\n\nfrom openai import OpenAI");
}
