/** A model download failed in a way that retrying right away will not fix (auth, not found, not a GGUF). */
export class DownloadError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = "DownloadError";
  }
}
