/** The text markers that open and close a reasoning parser's thinking, as the grammar gate needs them. */
export interface ReasoningMarkers {
  start: readonly string[];
  end: readonly string[];
  /**
   * True when output without a start marker is content (glm45, mistral, granite, hunyuan): the model itself decides
   * whether to think, so the grammar must allow either a start marker or the constrained output from token one.
   */
  startRequired: boolean;
}

const THINK: ReasoningMarkers = { start: ["<think>"], end: ["</think>"], startRequired: false };
const TABLE: Readonly<Record<string, ReasoningMarkers>> = {
  deepseek_r1: THINK, qwen3: THINK, deepseek_v3: THINK, step3: THINK, step3p5: THINK, olmo3: THINK, ernie45: THINK,
  minimax_m2: THINK, granite_thinking: THINK, kimi_k2: THINK, holo2: THINK, mimo: THINK, nemotron_v3: THINK,
  glm45: { ...THINK, startRequired: true },
  hunyuan_a13b: { ...THINK, startRequired: true },
  seed_oss: { start: ["<seed:think>"], end: ["</seed:think>"], startRequired: false },
  mistral: { start: ["[THINK]"], end: ["[/THINK]"], startRequired: true },
  granite: {
    start: ["Here is my thought process:", "Here's my thought process:"],
    end: ["Here is my response:", "Here's my response:"],
    startRequired: true,
  },
  openai_gptoss: { start: ["<|channel|>analysis<|message|>"], end: ["<|channel|>final<|message|>"], startRequired: false },
};

/** Markers for a vLLM reasoning parser name; unknown names get the `<think>` pair. */
export function reasoningMarkersFor(parserName: string): ReasoningMarkers {
  return TABLE[parserName] ?? THINK;
}
