/** The loop model emits these letters in a cycle forever (`abc...zabc...`), never an end-of-sequence token. */
export const LOOP_ALPHABET: readonly string[] = [..."abcdefghijklmnopqrstuvwxyz"];
