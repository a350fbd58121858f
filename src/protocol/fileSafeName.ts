/** `name` as one path segment: `/` as `--`, anything unusual as `_`, never empty, `.` or `..`. */
export function fileSafeName(name: string): string {
  const safe = name.replaceAll("/", "--").replace(/[^A-Za-z0-9._-]/g, "_");
  return /^\.*$/.test(safe) ? `_${safe}` : safe;
}
