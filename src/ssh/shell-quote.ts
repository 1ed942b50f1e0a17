/**
 * POSIX shell quoting. Every value that reaches a remote shell goes through `shq` or the `sh`
 * tagged template, which quotes each interpolated value; literal template text is trusted code.
 */
export function shq(value: string | number): string {
  const text = String(value);
  if (text.includes('\0')) throw new Error('a NUL byte cannot be passed through a shell');
  if (/^[A-Za-z0-9_/.,:=@%+-]+$/.test(text) && !text.startsWith('-')) return text;
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

export function sh(strings: TemplateStringsArray, ...values: Array<string | number | Array<string | number>>): string {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += Array.isArray(value) ? value.map(shq).join(' ') : shq(value);
    out += strings[i + 1] ?? '';
  });
  return out;
}
