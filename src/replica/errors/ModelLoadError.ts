/** The model file cannot be used (not a GGUF, truncated, no usable backend, out of memory). Not worth a restart. */
export class ModelLoadError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = "ModelLoadError";
  }
}
