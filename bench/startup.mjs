// `kthw --help` cold start against `node -e 0`, measured in the same run (issue 4: goal ≤ 1.3×).
import { fileURLToPath } from 'node:url';
import { compare, report, timeCommand } from './measure.mjs';

const kthw = fileURLToPath(new URL('../bin/kthw.js', import.meta.url));
const result = compare(
  () => timeCommand([process.execPath, kthw, '--help']),
  () => timeCommand([process.execPath, '-e', '0']),
);
report('startup', result, 'kthw --help', 'node -e 0', 1.3);
