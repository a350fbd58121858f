import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfigFile } from "../../../src/config/loadConfigFile.js";
import { loadChatTemplateCorpus } from "../../helpers/chatTemplateCorpus.js";
import { ensureChatTemplateModel } from "../../models/ensureChatTemplateModel.js";

const dir = mkdtempSync(join(tmpdir(), "llmserve-chat-template-findings-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function chatTemplateWarnings(loading: Record<string, unknown>, engineKwargs: Record<string, unknown> = {}) {
  const path = join(dir, `config-${Math.random().toString(36).slice(2)}.yaml`);
  const config = { applications: [{ args: { llm_configs: [{ model_loading_config: { model_id: "m", ...loading }, engine_kwargs: engineKwargs }] } }] };
  writeFileSync(path, JSON.stringify(config, null, 2));
  const result = await loadConfigFile(path);
  expect(result.config).toBeDefined();
  return result.diagnostics.filter((d) => d.message.includes("chat template"));
}

function localModel(name: string, chatTemplate: string): string {
  return ensureChatTemplateModel({ name, chatTemplate, specialTokens: ["<s>", "</s>"], bosToken: "<s>", eosToken: "</s>" });
}

describe("validate: chat templates needing Jinja features the engine lacks", () => {
  it("should warn at engine_kwargs.chat_template when it uses one", async () => {
    const warnings = await chatTemplateWarnings({ model_source: "hf:Qwen/Qwen3-0.6B-GGUF:Q8_0" }, { chat_template: "{{ messages | length | round }}{{ '%s' % 'x' }}" });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ severity: "warning", path: "applications[0].args.llm_configs[0].engine_kwargs.chat_template" });
    expect(warnings[0]!.message).toMatch(/'%' string formatting; the filters round/);
  });

  it("should read the template inside a local GGUF, and warn at model_source", async () => {
    const warnings = await chatTemplateWarnings({ model_source: localModel("format-method", "{{ 'Hi {}'.format(messages[0].content) }}") });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ path: "applications[0].args.llm_configs[0].model_loading_config.model_source" });
    expect(warnings[0]!.message).toMatch(/the chat template in this GGUF .*str\.format\(\)/);
  });

  it("should say nothing about the real templates of the golden corpus", async () => {
    for (const template of loadChatTemplateCorpus().templates) {
      expect(await chatTemplateWarnings({ model_source: "hf:x/y-GGUF:Q8_0" }, { chat_template: template.template })).toEqual([]);
    }
    expect(await chatTemplateWarnings({ model_source: localModel("plain", "{% for m in messages %}{{ m.content }}{% endfor %}") })).toEqual([]);
  });
});
