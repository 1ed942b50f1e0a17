/** Word-wraps plain text to `width` columns; words longer than a line are cut. Keeps blank lines. */
export function wrapText(text: string, width: number): string[] {
  const out: string[] = [];
  const limit = Math.max(10, width);
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      for (let piece = word; piece.length > 0; piece = piece.slice(limit)) {
        const chunk = piece.slice(0, limit);
        if (line === '') line = chunk;
        else if (line.length + 1 + chunk.length <= limit) line += ` ${chunk}`;
        else {
          out.push(line);
          line = chunk;
        }
      }
    }
    out.push(line);
  }
  return out;
}
