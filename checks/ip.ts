import { isIP } from 'node:net';

/** One spelling per address ("fd00:4::4", never "FD00:4:0:0:0:0:0:4"), or undefined if not an IP. */
export function canonicalIp(text: string): string | undefined {
  const bare = text.replace(/^\[(.*)\]$/, '$1');
  const family = isIP(bare);
  if (family === 4) return new URL(`http://${bare}/`).hostname;
  if (family === 6) return new URL(`http://[${bare}]/`).hostname.slice(1, -1);
  return undefined;
}

/** The address in a certificate's iPAddress SAN (4 or 16 raw bytes). */
export function ipFromBytes(bytes: Buffer): string {
  if (bytes.length === 4) return [...bytes].join('.');
  if (bytes.length === 16) {
    const groups: string[] = [];
    for (let i = 0; i < 16; i += 2) groups.push(bytes.readUInt16BE(i).toString(16));
    return canonicalIp(groups.join(':'))!;
  }
  return `<${bytes.length}-byte address ${bytes.toString('hex')}>`;
}
