/** Longest value echoed in a message: a 10,000-character name is shown by its start and length. */
const MAX_SHOWN = 160;

/** `value` as a JSON string for a message, cut with an ellipsis (and its length) when long. */
export function quoted(value: string): string {
  if (value.length <= MAX_SHOWN) return JSON.stringify(value);
  return `${JSON.stringify(value.slice(0, MAX_SHOWN))}… (${value.length} characters)`;
}
