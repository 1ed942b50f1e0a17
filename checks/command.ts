import { shq } from '../src/ssh/shell-quote.js';
import { assertion, unsafe } from './ansible-tasks.js';
import { factOf, gatherScript, parseFacts } from './facts.js';
import { ParamReader } from './params.js';
import type { CheckPrimitive } from './types.js';
import { fail, verdictFrom } from './verdict.js';

/** A shell command with an expected exit code and/or output. `run` is shell code, run as written. */
export interface CommandParams {
  run: string;
  shell: 'sh' | 'bash';
  exitCode: number;
  stdout?: RegExp;
  /** Fails when stdout matches this. */
  stdoutNot?: RegExp;
  /** A passing check warns with the matching stdout lines (e.g. files reported missing but not fatal). */
  warnWhen?: RegExp;
}

function tail(text: string, lines = 8): string {
  const all = text.trimEnd().split('\n');
  return (all.length > lines ? ['…', ...all.slice(-lines)] : all).join('\n  ');
}

export const commandCheck: CheckPrimitive<CommandParams> = {
  kind: 'command',

  parse(params) {
    const read = new ParamReader('command', params);
    const stdout = read.optRegex('stdout');
    const stdoutNot = read.optRegex('stdoutNot');
    const warnWhen = read.optRegex('warnWhen');
    const exitCode = read.optInteger('exitCode', { min: 0, max: 255 });
    return {
      run: read.string('run'),
      shell: read.optEnum('shell', ['sh', 'bash'] as const) ?? 'sh',
      // A command that fails does not pass on its output alone: exit code 0 unless told otherwise.
      exitCode: exitCode ?? 0,
      stdout,
      stdoutNot,
      warnWhen,
    };
  },

  gather(p) {
    // The runner sets KTHW_CHECK_TIMEOUT; timeout signals the command's whole process group.
    return gatherScript([`kthw_fact cmd timeout -k 2 "\${KTHW_CHECK_TIMEOUT:-30}" ${p.shell} -c ${shq(p.run)}`]);
  },

  judge(p, text) {
    const cmd = factOf(parseFacts(text), 'cmd');
    const where = `command ${p.run.split('\n')[0]}`;
    if (cmd.code === 124 || cmd.code === 137) {
      return fail(
        'timed out',
        `the command did not finish within its time limit and was stopped${cmd.stdout.trim() ? `; stdout:\n  ${tail(cmd.stdout)}` : ''}`,
        where,
      );
    }
    const problems: string[] = [];
    if (cmd.code !== p.exitCode) problems.push(`exit code ${cmd.code}, expected ${p.exitCode}`);
    if (p.stdout && !p.stdout.test(cmd.stdout)) problems.push(`output does not match /${p.stdout.source}/`);
    if (p.stdoutNot && p.stdoutNot.test(cmd.stdout)) problems.push(`output matches /${p.stdoutNot.source}/, which it must not`);
    if (problems.length) {
      if (cmd.stdout.trim()) problems.push(`stdout:\n  ${tail(cmd.stdout)}`);
      if (cmd.stderr.trim()) problems.push(`stderr:\n  ${tail(cmd.stderr)}`);
    }
    const firstLine = cmd.stdout.trim().split('\n')[0] ?? '';
    const warnLines = p.warnWhen ? cmd.stdout.split('\n').filter((line) => p.warnWhen!.test(line)) : [];
    const warning = warnLines.length ? tail(warnLines.join('\n'), 12) : undefined;
    return verdictFrom(problems, `exit ${cmd.code}${firstLine ? `: ${firstLine.slice(0, 120)}` : ''}`, `command ${p.run.split('\n')[0]}`, warning);
  },

  // The chapter's command as written, through the shell it names; `warnWhen` only warns, so it is not exported.
  ansible(p, ctx) {
    const r = ctx.register;
    const that = [`${r}.rc == ${p.exitCode}`];
    const vars: Record<string, unknown> = {};
    if (p.stdout) {
      vars.expected_stdout = unsafe(p.stdout.source);
      that.push(`${r}.stdout is search(expected_stdout, multiline=True)`);
    }
    if (p.stdoutNot) {
      vars.refused_stdout = unsafe(p.stdoutNot.source);
      that.push(`${r}.stdout is not search(refused_stdout, multiline=True)`);
    }
    return [
      {
        name: 'Run the command',
        'ansible.builtin.shell': { cmd: unsafe(p.run), executable: p.shell === 'bash' ? '/bin/bash' : '/bin/sh' },
        register: r,
        changed_when: false,
        failed_when: false,
        check_mode: false,
      },
      assertion(ctx, 'Assert its exit code and output', that, vars),
    ];
  },
};
