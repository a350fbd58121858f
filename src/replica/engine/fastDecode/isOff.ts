/** True for an environment switch set to 0 / off / false / no (any case). */
export function isOff(value: string | undefined): boolean {
  return value !== undefined && /^(0|off|false|no)$/i.test(value.trim());
}
