/**
 * One line of JSON spaced like Python's `json.dumps` (`", "` and `": "`), which is how Label
 * Studio's CLI prints (`{"status": "error", "message": "user U doesn't exist"}`). Still plain JSON:
 * `jq` and `JSON.parse` read it.
 */
export function jsonLine(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(jsonLine).join(', ')}]`;
  const fields = Object.entries(value as Record<string, unknown>)
    .filter(([, child]) => child !== undefined)
    .map(([key, child]) => `${JSON.stringify(key)}: ${jsonLine(child)}`);
  return `{${fields.join(', ')}}`;
}
