/** A parsed model source (`model_loading_config.gguf_source` or a GGUF `model_source`). */
export type ModelSource =
  | { readonly kind: "local"; readonly path: string }
  | { readonly kind: "url"; readonly url: string }
  | { readonly kind: "hf-file"; readonly owner: string; readonly repo: string; readonly file: string; readonly revision: string }
  | { readonly kind: "hf-quant"; readonly owner: string; readonly repo: string; readonly quant: string };
