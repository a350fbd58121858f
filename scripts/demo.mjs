// `npm run demo`: the offline quickstart. It builds a tiny scripted reasoning model (a real GGUF that llama.cpp
// runs), serves it with `llmserve run --non-blocking`, asks it twice through the official openai client
// (thinking on, thinking off), prints reasoning and answer apart, shows `llmserve status`, and shuts down.
import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import OpenAI from "openai";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const configPath = join(root, "examples", "demo-scripted.yaml");
const modelPath = join(root, "examples", "models", "scripted-reasoning.gguf");
const cli = [join(root, "bin", "llmserve.js")];
const port = 8000; // http_options.port in examples/demo-scripted.yaml

function heading(text) {
  process.stdout.write(`\n\x1b[1m== ${text}\x1b[0m\n`);
}

async function llmserve(args, options = {}) {
  heading(`llmserve ${args.join(" ")}`);
  const result = await execa(process.execPath, [...cli, ...args], { stdio: "inherit", reject: false, ...options });
  if (result.exitCode !== 0) throw new Error(`llmserve ${args.join(" ")} exited with ${result.exitCode}`);
}

async function makeDemoModel() {
  if (existsSync(modelPath)) return;
  heading("building the scripted demo model");
  const { ensureScriptedReasoningModel } = await import("../dist-testmodels/models/ensureScriptedReasoningModel.js");
  const built = ensureScriptedReasoningModel();
  mkdirSync(dirname(modelPath), { recursive: true });
  copyFileSync(built, modelPath);
  process.stdout.write(`wrote ${modelPath}\n`);
}

async function ask(client, title, request) {
  heading(title);
  const completion = await client.chat.completions.create(request);
  const message = completion.choices[0].message;
  process.stdout.write(`reasoning_content: ${JSON.stringify(message.reasoning_content ?? null)}\n`);
  process.stdout.write(`content:           ${JSON.stringify(message.content)}\n`);
}

await makeDemoModel();
await llmserve(["run", configPath, "--non-blocking"]);
try {
  const client = new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: "not-needed" });
  await ask(client, "thinking on", {
    model: "demo-reasoner",
    messages: [{ role: "user", content: "Hello!" }],
  });
  await ask(client, "thinking off (chat_template_kwargs.enable_thinking = false)", {
    model: "demo-reasoner",
    messages: [{ role: "user", content: "Hello!" }],
    chat_template_kwargs: { enable_thinking: false },
  });
  await llmserve(["status"]);
} finally {
  await llmserve(["shutdown", "-y"]);
}
