import { open } from "node:fs/promises";
import { ModelLoadError } from "../errors/ModelLoadError.js";

/** Fails with a clear message unless `path` is a readable file that starts with the GGUF magic bytes. */
export async function assertGgufFile(path: string): Promise<void> {
  let handle;
  try {
    handle = await open(path, "r");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ModelLoadError(
      code === "ENOENT" ? `model file not found: ${path}` : `cannot read model file ${path}: ${String(error)}`,
    );
  }
  try {
    const { size } = await handle.stat();
    const magic = Buffer.alloc(4);
    const { bytesRead } = await handle.read(magic, 0, 4, 0);
    if (bytesRead < 4 || magic.toString("latin1") !== "GGUF") {
      const found = bytesRead === 0 ? "an empty file" : `bytes ${JSON.stringify(magic.subarray(0, bytesRead).toString("latin1"))}`;
      throw new ModelLoadError(`${path} is not a GGUF model file (expected the magic "GGUF", found ${found}; size ${size} bytes)`);
    }
  } finally {
    await handle.close();
  }
}
