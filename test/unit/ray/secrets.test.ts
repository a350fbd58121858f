import { describe, expect, it } from "vitest";
import { collectSecretValues, isSecretKey, REDACTED, redactConfig, scrubSecrets } from "../../../src/ray/secrets.js";

describe("isSecretKey", () => {
  it.each(["HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "hf_token", "api_key", "OPENAI_API_KEY", "AWS_SECRET_ACCESS_KEY", "ssl_keyfile_password", "apiKey", "GITHUB_PAT_AUTH"])(
    "should treat %s as a secret",
    (name) => expect(isSecretKey(name)).toBe(true),
  );
  it.each(["max_num_batched_tokens", "tokenizer_source", "ssl_keyfile", "TOKENIZERS_PARALLELISM", "max_tokens", "model_id", "monkey"])(
    "should not treat %s as a secret",
    (name) => expect(isSecretKey(name)).toBe(false),
  );
});

describe("redactConfig", () => {
  it("should hide every secret value and name where it was, leaving the input alone", () => {
    const config = {
      applications: [{ runtime_env: { env_vars: { HF_TOKEN: "hf_abc12345", OTHER: "x" } }, args: { llm_configs: [{ engine_kwargs: { hf_token: "hf_def67890", max_model_len: 8 } }] } }],
    };
    const { redacted, redactedPaths } = redactConfig(config);
    expect(redacted.applications[0]?.runtime_env.env_vars).toEqual({ HF_TOKEN: REDACTED, OTHER: "x" });
    expect(redacted.applications[0]?.args.llm_configs[0]?.engine_kwargs).toEqual({ hf_token: REDACTED, max_model_len: 8 });
    expect(redactedPaths).toEqual(["applications[0].runtime_env.env_vars.HF_TOKEN", "applications[0].args.llm_configs[0].engine_kwargs.hf_token"]);
    expect(config.applications[0]?.runtime_env.env_vars.HF_TOKEN).toBe("hf_abc12345");
  });
});

describe("scrubSecrets", () => {
  it("should remove each secret value from free text, including inside Ray's error reprs", () => {
    const secrets = collectSecretValues({ env_vars: { HF_TOKEN: "hf_abc12345" }, api_key: ["k-1111", "k-2222"] });
    expect(secrets.sort()).toEqual(["hf_abc12345", "k-1111", "k-2222"]);
    expect(scrubSecrets("input_value={'HF_TOKEN': 'hf_abc12345'} keys k-1111,k-2222", secrets)).toBe(
      `input_value={'HF_TOKEN': '${REDACTED}'} keys ${REDACTED},${REDACTED}`,
    );
  });
  it("should leave very short values alone rather than garble the text", () => {
    expect(scrubSecrets("a 1 b", ["1"])).toBe("a 1 b");
  });
});
