/**
 * What a command printed, kept within a bound: a command that prints without end (a `yes`, a
 * follow-mode journal, a runaway loop) must not grow kthw's memory with it. The first and the last
 * `limit / 2` bytes are kept and the middle is replaced by one line saying how much was left out:
 * the head says what started, the tail how it ended (errors come last). Streaming callbacks still
 * see every byte.
 */
export const defaultOutputLimit = 8 * 1024 * 1024;

export class BoundedOutput {
  private readonly head: Buffer[] = [];
  private headBytes = 0;
  private tail: Buffer[] = [];
  private tailBytes = 0;
  private dropped = 0;
  private readonly half: number;

  constructor(limit = defaultOutputLimit) {
    this.half = Math.max(1, Math.floor(limit / 2));
  }

  push(chunk: Buffer): void {
    if (this.headBytes < this.half) {
      const take = Math.min(chunk.length, this.half - this.headBytes);
      this.head.push(chunk.subarray(0, take));
      this.headBytes += take;
      chunk = chunk.subarray(take);
      if (chunk.length === 0) return;
    }
    this.tail.push(chunk);
    this.tailBytes += chunk.length;
    if (this.tailBytes > 2 * this.half) this.trimTail();
  }

  /** Bytes left out of the middle. */
  get omitted(): number {
    return this.dropped + Math.max(0, this.tailBytes - this.half);
  }

  toString(): string {
    this.trimTail();
    if (this.dropped === 0) return Buffer.concat([...this.head, ...this.tail]).toString('utf8');
    // Cut at line boundaries where there are some, so no half line or half character is shown.
    let head = Buffer.concat(this.head);
    let tail = Buffer.concat(this.tail);
    const headEnd = head.lastIndexOf(0x0a) + 1;
    const tailStart = tail.indexOf(0x0a) + 1;
    const left = this.dropped + (headEnd > 0 ? head.length - headEnd : 0) + tailStart;
    if (headEnd > 0) head = head.subarray(0, headEnd);
    tail = tail.subarray(tailStart);
    return `${head.toString('utf8')}${headEnd > 0 ? '' : '\n'}[kthw: ${left} bytes of output left out here]\n${tail.toString('utf8')}`;
  }

  private trimTail(): void {
    let excess = this.tailBytes - this.half;
    if (excess <= 0) return;
    this.dropped += excess;
    this.tailBytes -= excess;
    while (excess > 0) {
      const first = this.tail[0]!;
      if (first.length <= excess) {
        this.tail.shift();
        excess -= first.length;
      } else {
        this.tail[0] = first.subarray(excess);
        excess = 0;
      }
    }
  }
}
