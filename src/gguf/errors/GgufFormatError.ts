/** A GGUF file's header contradicts itself or the file's size; `reason` says what and where. */
export class GgufFormatError extends Error {
  public constructor(
    public readonly path: string,
    public readonly reason: string,
  ) {
    super(`${path} is not a valid GGUF: ${reason}`);
    this.name = "GgufFormatError";
  }
}
