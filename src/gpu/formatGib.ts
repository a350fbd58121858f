const GIB = 1024 ** 3;

/** `21.3 GiB`: one decimal, the unit nvidia-smi users expect in messages. */
export function formatGib(bytes: number): string {
  return `${(bytes / GIB).toFixed(1)} GiB`;
}
