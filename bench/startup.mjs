// Cold starts against `node -e 0`, measured in the same run: `kthw --help` (issue 4: goal ≤ 1.3×)
// and `kthw chapters` (the lab file, the state and every chapter's plan: the path every session takes).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compare, report, timeCommand } from './measure.mjs';

const kthw = fileURLToPath(new URL('../bin/kthw.js', import.meta.url));
const baseline = () => timeCommand([process.execPath, '-e', '0']);
report(
  'startup',
  compare(() => timeCommand([process.execPath, kthw, '--help']), baseline),
  'kthw --help',
  'node -e 0',
  1.3,
);
const home = mkdtempSync(join(tmpdir(), 'kthw-bench-startup-'));
try {
  const env = { ...process.env, KTHW_HOME: home };
  report(
    'chapters',
    compare(() => timeCommand([process.execPath, kthw, 'chapters'], { env }), baseline),
    'kthw chapters',
    'node -e 0',
  );
} finally {
  rmSync(home, { recursive: true, force: true });
}
