import { checkGgufModel } from "../../gguf/checkGgufModel.js";
import { GgufFormatError } from "../../gguf/errors/GgufFormatError.js";
import { ModelLoadError } from "../errors/ModelLoadError.js";

/**
 * Fails with a clear message unless `path` is a readable GGUF whose header is consistent with the file, every part
 * of a split model included (see `checkGgufModel`): "PATH is not a valid GGUF: truncated at byte N of M (...)",
 * never llama.cpp's words.
 */
export async function assertGgufFile(path: string): Promise<void> {
  try {
    await checkGgufModel(path);
  } catch (error) {
    if (error instanceof GgufFormatError) throw new ModelLoadError(error.message);
    const code = (error as NodeJS.ErrnoException).code;
    throw new ModelLoadError(
      code === "ENOENT" ? `model file not found: ${path}` : `cannot read model file ${path}: ${String(error)}`,
    );
  }
}
