/**
 * `kthw lab up | down | status | ssh | reset | snapshot`: the local lab of real machines.
 * Each export is one subcommand; they share loading the lab file named by --lab.
 */
import { spawn } from 'node:child_process';
import type { Command } from 'commander';
import { labDown, labReset, labSnapshot, labSshArgs, labStatus, labUp } from '../../../lab/local/index.js';
import { findLabFile } from '../../lab/find-lab-file.js';
import { loadLab } from '../../lab/load.js';
import { ExitCode } from '../../util/errors.js';
import { globalOptions } from '../global-options.js';
import { mark, paint, printJson, table } from '../output.js';

async function labOf(command: Command) {
  const options = globalOptions(command);
  return { options, lab: await loadLab(findLabFile(options.lab)) };
}

const logTo = (json: boolean) => (message: string) => (json ? process.stderr : process.stdout).write(`${paint.dim(message)}\n`);

export async function up(command: Command): Promise<number> {
  const { options, lab } = await labOf(command);
  const status = await labUp(lab, { log: logTo(options.json) });
  if (options.json) printJson(status);
  else
    console.log(
      `${mark.ok()} lab ${lab.name} is up: ${status.machines.length} machines. Reach one with: kthw lab ssh ${lab.hosts[0]!.name}   or   ssh -F ${status.sshConfig} ${lab.hosts[0]!.name}`,
    );
  return ExitCode.ok;
}

export async function down(command: Command): Promise<number> {
  const { options, lab } = await labOf(command);
  const { keep } = command.opts<{ keep?: boolean }>();
  await labDown(lab.name, { log: logTo(options.json), keep });
  if (options.json) printJson({ lab: lab.name, down: true });
  else console.log(`${mark.ok()} lab ${lab.name} is down`);
  return ExitCode.ok;
}

export async function status(command: Command): Promise<number> {
  const { options, lab } = await labOf(command);
  const result = await labStatus(lab);
  if (options.json) {
    printJson(result);
  } else {
    console.log(`lab ${lab.name}: ${result.up ? paint.green('up') : paint.yellow('not (fully) up')}`);
    console.log(
      table(
        result.machines.map((m) => [
          '  ' + m.host,
          m.running ? paint.green('running') : paint.red('stopped'),
          m.pid ? `pid ${m.pid}` : '-',
          m.addresses.join(' '),
          m.sshReachable ? 'ssh ok' : paint.red('ssh unreachable'),
        ]),
      ),
    );
  }
  return result.up ? ExitCode.ok : ExitCode.environment;
}

/** A real OpenSSH session with the lab's pinned known_hosts; its exit code is passed on. */
export async function ssh(command: Command, host: string, ...rest: string[]): Promise<number> {
  const { lab } = await labOf(command);
  const [binary, ...args] = labSshArgs(lab, host, rest.length > 0 ? rest.join(' ') : undefined);
  return new Promise((resolve, reject) => {
    const child = spawn(binary!, args, { stdio: 'inherit' });
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? ExitCode.environment));
  });
}

export async function reset(command: Command, target: string): Promise<number> {
  const { options, lab } = await labOf(command);
  const { to } = command.opts<{ to?: string }>();
  const started = performance.now();
  await labReset(lab, target, { to, log: logTo(options.json) });
  const seconds = (performance.now() - started) / 1000;
  if (options.json) printJson({ lab: lab.name, reset: target, to: to ?? null, seconds });
  else console.log(`${mark.ok()} ${target} reset to ${to ?? 'the bare image'} in ${seconds.toFixed(1)} s`);
  return ExitCode.ok;
}

export async function snapshot(command: Command, name: string): Promise<number> {
  const { options, lab } = await labOf(command);
  await labSnapshot(lab, name, { log: logTo(options.json) });
  if (options.json) printJson({ lab: lab.name, snapshot: name });
  return ExitCode.ok;
}
