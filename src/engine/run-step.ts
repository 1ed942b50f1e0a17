import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Action, Step, UnitAction } from '../plan/types.js';
import { sh } from '../ssh/shell-quote.js';
import { KthwError } from '../util/errors.js';
import { applyDirectory } from './apply-directory.js';
import { applyFile } from './apply-file.js';
import type { EventSink } from './events.js';
import type { HostExecutor } from './executor.js';
import type { GeneratorContext, Generators } from './generators.js';
import { packagesCommand } from './packages-command.js';
import { unpackCommand } from './unpack-command.js';

export interface StepContext extends GeneratorContext {
  chapter: string;
  executor: HostExecutor;
  generators: Generators;
  emit: EventSink;
  signal?: AbortSignal;
}

/** A step stopped: the message says what failed on which host; the step can be run again. */
export class StepFailed extends KthwError {
  constructor(
    readonly step: string,
    readonly host: string,
    message: string,
    fix = 'fix the cause above, then run the chapter again: steps that already took effect are skipped',
  ) {
    super(message, { where: `step ${step} on ${host}`, fix, exitCode: 1 });
    this.name = 'StepFailed';
  }
}

const tail = (text: string, lines = 8) => text.trimEnd().split('\n').slice(-lines).join('\n');

/** Runs one step's actions in order; returns how many actions changed the host. */
export async function runStep(step: Step, ctx: StepContext): Promise<number> {
  const notified = new Set<string>();
  let changed = 0;
  const report = (description: string, didChange: boolean) => {
    if (didChange) changed++;
    ctx.emit({ type: 'action', chapter: ctx.chapter, step: step.id, host: step.host, description, changed: didChange });
  };
  for (const action of step.actions) {
    if (ctx.signal?.aborted) throw new StepFailed(step.id, step.host, 'cancelled', 'run the chapter again to continue from this step');
    const didChange = await runAction(action, step, ctx, notified);
    if (didChange && (action.kind === 'file' || action.kind === 'secret-file')) action.notify?.forEach((unit) => notified.add(unit));
    report(describe(action), didChange);
  }
  return changed;
}

function describe(action: Action): string {
  switch (action.kind) {
    case 'file':
    case 'secret-file':
      return `${action.path} (${action.mode})`;
    case 'command':
      return action.run;
    case 'copy':
      return `${action.from} → ${action.path} (${action.mode})`;
    case 'directory':
      return `${action.path}/ (${action.mode})`;
    case 'packages':
      return `packages ${action.names.join(' ')}`;
    case 'unpack':
      return `${action.members.join(', ')} from ${action.archive} → ${action.dest}`;
    case 'unit':
      return `${action.unit} ${action.enabled ? 'enabled' : 'disabled'}, ${action.state}${action.noBlock ? ' (queued)' : ''}`;
    case 'generate':
      return `generate ${action.generator}: ${action.items.join(', ')}`;
  }
}

async function runAction(action: Action, step: Step, ctx: StepContext, notified: Set<string>): Promise<boolean> {
  const host = step.host;
  switch (action.kind) {
    case 'file':
      return applyFile(ctx.executor, host, { ...action, content: Buffer.from(action.content) }, ctx.signal);
    case 'secret-file': {
      const content = await readFile(join(ctx.labDir, action.secret)).catch(() => {
        throw new StepFailed(step.id, host, `${action.secret} is missing from the lab directory ${ctx.labDir}`, 'run the chapter that generates it first');
      });
      return applyFile(ctx.executor, host, { ...action, content }, ctx.signal);
    }
    case 'generate': {
      const note = (text: string) => ctx.emit({ type: 'output', chapter: ctx.chapter, step: step.id, host, stream: 'stdout', text });
      const generator = Object.hasOwn(ctx.generators, action.generator) ? ctx.generators[action.generator] : undefined;
      if (!generator)
        throw new StepFailed(
          step.id,
          host,
          `no generator "${action.generator}" is registered`,
          `a chapter that generates it must list it in its generators (known: ${Object.keys(ctx.generators).join(', ')})`,
        );
      return generator(action.items, { lab: ctx.lab, labDir: ctx.labDir, note });
    }
    case 'copy': {
      const content = await readFile(action.from).catch((error: NodeJS.ErrnoException) => {
        throw new StepFailed(
          step.id,
          host,
          `cannot read ${action.from} on this machine (${error.code ?? error.message})`,
          'put the file there (e.g. in your mirror directory) and run again',
        );
      });
      const actual = createHash('sha256').update(content).digest('hex');
      if (action.sha256 !== undefined && actual !== action.sha256) {
        throw new StepFailed(
          step.id,
          host,
          `${action.from} has sha256 ${actual}, but ${action.sha256Source ?? 'the lab file'} pins ${action.sha256}`,
          'download the file again from its upstream URL; a mismatch means a corrupt or different file',
        );
      }
      return applyFile(ctx.executor, host, { ...action, content }, ctx.signal);
    }
    case 'directory': {
      const result = await applyDirectory(ctx.executor, host, action, ctx.signal);
      if (result.error !== undefined) throw new StepFailed(step.id, host, `cannot make the directory ${action.path}: ${result.error}`);
      return result.changed;
    }
    case 'packages': {
      const command = packagesCommand(action.names);
      if ('error' in command) throw new StepFailed(step.id, host, `cannot install packages: ${command.error}`, 'fix the chapter that asks for it');
      return runCommand(command.run, command.unless, step, ctx);
    }
    case 'unpack': {
      const command = unpackCommand(action);
      if ('error' in command) throw new StepFailed(step.id, host, `cannot unpack ${action.archive}: ${command.error}`, 'fix the chapter that asks for it');
      return runCommand(command.run, command.unless, step, ctx);
    }
    case 'command':
      return (await runCommand(action.run, action.unless, step, ctx)) && action.readOnly !== true;
    case 'unit':
      return applyUnit(action, notified.has(action.unit), step, ctx);
  }
}

async function runCommand(run: string, unless: string | undefined, step: Step, ctx: StepContext): Promise<boolean> {
  if (unless !== undefined) {
    const guard = await ctx.executor.exec(step.host, unless, { signal: ctx.signal });
    if (guard.code === 0) return false;
  }
  const output = (stream: 'stdout' | 'stderr') => (text: string) =>
    ctx.emit({ type: 'output', chapter: ctx.chapter, step: step.id, host: step.host, stream, text });
  const result = await ctx.executor.exec(step.host, run, { signal: ctx.signal, onStdout: output('stdout'), onStderr: output('stderr') });
  if (result.code !== 0) {
    const status = result.code === null ? `was killed by ${result.signal ?? 'a signal'}` : `exited ${result.code}`;
    throw new StepFailed(step.id, step.host, `\`${run}\` ${status}${result.stderr.trim() ? `:\n${tail(result.stderr)}` : ''}`);
  }
  return true;
}

async function applyUnit({ unit, enabled, state, noBlock }: UnitAction, restart: boolean, step: Step, ctx: StepContext): Promise<boolean> {
  // A queued start is already under way while the unit is "activating".
  const running = noBlock
    ? sh`{ systemctl is-active -q ${unit} || [ "$(systemctl show -p ActiveState --value ${unit})" = activating ]; }`
    : sh`systemctl is-active -q ${unit}`;
  const queue = noBlock ? 'systemctl --no-block' : 'systemctl';
  // One exec: reload definitions, converge enablement and state, print what changed.
  const script = [
    'systemctl daemon-reload',
    enabled
      ? sh`systemctl is-enabled -q ${unit} || { systemctl enable -q ${unit} && echo changed; }`
      : sh`! systemctl is-enabled -q ${unit} || { systemctl disable -q ${unit} && echo changed; }`,
    state === 'started'
      ? restart
        ? `${queue} restart ${sh`${unit}`} && echo changed`
        : `${running} || { ${queue} start ${sh`${unit}`} && echo changed; }`
      : sh`! systemctl is-active -q ${unit} || { systemctl stop ${unit} && echo changed; }`,
  ].join(' && ');
  const result = await ctx.executor.exec(step.host, script, { signal: ctx.signal });
  if (result.code !== 0) {
    const journal = await ctx.executor.exec(step.host, sh`journalctl -u ${unit} -n 15 --no-pager`, { signal: ctx.signal });
    throw new StepFailed(
      step.id,
      step.host,
      `${unit} could not be brought to ${state}:\n${tail(result.stderr)}\n${tail(journal.stdout, 15)}`,
      `look at \`journalctl -u ${unit}\` on ${step.host}, fix the unit or its configuration, then run again`,
    );
  }
  return result.stdout.includes('changed');
}
