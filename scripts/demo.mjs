// `npm run demo`: the offline quickstart. It writes a tiny scripted reasoning model (a real GGUF that llama.cpp
// runs), serves it with `llmserve run --non-blocking`, asks it twice through the official openai client
// (thinking on, thinking off), prints reasoning and answer apart, shows `llmserve status`, and shuts down.
//   npm run demo [-- CONFIG]    (default: examples/demo-scripted.yaml)
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import OpenAI from "openai";
import { ensureDemoModel } from "../dist-testmodels/models/ensureDemoModel.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const configPath = resolve(process.argv[2] ?? join(root, "examples", "demo-scripted.yaml"));
const cli = join(root, "bin", "llmserve.js");

function heading(text) {
  process.stdout.write(`\n\x1b[1m== ${text}\x1b[0m\n`);
}

async function llmserve(args, { quiet = false } = {}) {
  if (!quiet) heading(`llmserve ${args.join(" ")}`);
  const result = await execa(process.execPath, [cli, ...args], {
    stdio: quiet ? "pipe" : "inherit",
    reject: false,
  });
  if (result.exitCode !== 0) {
    throw new Error(`llmserve ${args.join(" ")} exited with ${result.exitCode}${quiet ? `: ${result.stderr}` : ""}`);
  }
  return result;
}

async function ask(client, model, title, request) {
  heading(title);
  const completion = await client.chat.completions.create({ model, ...request });
  const message = completion.choices[0].message;
  process.stdout.write(`reasoning_content: ${JSON.stringify(message.reasoning_content ?? null)}\n`);
  process.stdout.write(`content:           ${JSON.stringify(message.content)}\n`);
}

heading("writing the scripted demo model");
process.stdout.write(`${ensureDemoModel(join(root, "examples", "models", "scripted-reasoning.gguf"))}\n`);
await llmserve(["run", configPath, "--non-blocking"]);
try {
  const status = JSON.parse((await llmserve(["status", "--json"], { quiet: true })).stdout);
  const client = new OpenAI({ baseURL: new URL("v1", `${status.endpoint}/`).href, apiKey: "not-needed" });
  const model = (await client.models.list()).data[0].id;
  await ask(client, model, "thinking on", { messages: [{ role: "user", content: "Hello!" }] });
  await ask(client, model, "thinking off: extra_body chat_template_kwargs {enable_thinking: false}", {
    messages: [{ role: "user", content: "Hello!" }],
    chat_template_kwargs: { enable_thinking: false },
  });
  heading("streaming, thinking on");
  const stream = await client.chat.completions.create({
    model,
    messages: [{ role: "user", content: "Hello!" }],
    stream: true,
  });
  let phase = "";
  for await (const chunk of stream) {
    const delta = chunk.choices[0]?.delta ?? {};
    for (const [name, text] of [["reasoning", delta.reasoning_content], ["content", delta.content]]) {
      if (typeof text !== "string" || text === "") continue;
      if (phase !== name) process.stdout.write(`\n[${(phase = name)}] `);
      process.stdout.write(text);
    }
  }
  process.stdout.write("\n");
  await llmserve(["status"]);
} finally {
  await llmserve(["shutdown", "-y"]);
}
