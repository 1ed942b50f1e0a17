/**
 * Shell that reads the flags a control-plane component runs with: from the running process when
 * there is one (what runs is what counts), else from its unit (a component that keeps failing to
 * start has no process to read). Checks use it to compare flags with the lab.
 */

/** Defines `flags UNIT` (one `--name=value` a line) and `flag UNIT --name` (its last value). */
export const flagFunctions = [
  'flags() { pid=$(systemctl show -p MainPID --value "$1" 2>/dev/null); ' +
    'if [ "${pid:-0}" != 0 ] && [ -r "/proc/$pid/cmdline" ]; then tr \'\\0\' \'\\n\' < "/proc/$pid/cmdline"; ' +
    'else systemctl cat "$1" 2>/dev/null | sed -n \'s/^[[:space:]]*\\(--[^[:space:]\\\\]*\\).*/\\1/p\'; fi; }',
  'flag() { flags "$1" | sed -n "s/^$2=//p" | tail -n 1; }',
].join('\n');
