import { assertion, probe } from './ansible-tasks.js';
import type { PortParams } from './port-params.js';
import type { AnsibleContext, AnsibleTask } from './types.js';

/** Local address columns of `ss -Hltn` as ss prints them: `0.0.0.0:22`, `[::]:22`, `*:22`, `[fd00:4::20]:2379`. */
function spellings(p: PortParams): string[] {
  if (p.address === undefined) return [];
  const wildcard = p.address.includes(':') ? '[::]' : '0.0.0.0';
  const exact = p.address.includes(':') ? `[${p.address}]` : p.address;
  return [exact, wildcard, '*'].map((a) => `${a}:${p.port}`);
}

/** The TCP listeners on the host, by `ss`; the assert holds the judge's expectations. */
export function portTasks(p: PortParams, ctx: AnsibleContext): AnsibleTask[] {
  const r = ctx.register;
  const vars = { on_port: `{{ ${r}.stdout_lines | map('split') | map(attribute='3') | select('match', '.*:${p.port}$') | list }}` };
  const that = [`${r}.rc == 0`];
  if (p.closed) that.push('on_port | length == 0');
  else {
    that.push('on_port | length > 0');
    // A wildcard listener covers the wanted address.
    if (p.address !== undefined) that.push(`on_port | intersect(${JSON.stringify(spellings(p))}) | length > 0`);
  }
  return [
    probe('List the listening TCP sockets', ['ss', '-Hltn'], r),
    assertion(ctx, p.closed ? 'Assert nothing listens on the port' : 'Assert the port listens', that, vars),
  ];
}
