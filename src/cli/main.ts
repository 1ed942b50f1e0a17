/**
 * The kthw command line. This entry stays small: every command body is a dynamic import, so
 * `kthw --help` loads commander and nothing else (no ink, react, ssh2, zod or yaml).
 */
import { Command, CommanderError, Option } from 'commander';
import { globalOptions } from './global-options.js';
import { runAction } from './run-action.js';
import { VERSION } from './version.js';

const program = new Command('kthw')
  .description('A terminal tutor for Kubernetes the Hard Way: build it by hand on real machines, verify it, replay it.')
  .version(VERSION, '--version', 'print the version and exit')
  .option('--lab <file>', 'lab file to use (default: the built-in local lab, lab/classic.yaml)')
  .option('--json', 'machine-readable output on stdout')
  .option('--no-color', 'no colour in human output (NO_COLOR is honoured too)')
  .option('--verbose', 'say more about what is happening')
  .showHelpAfterError('(run kthw --help for usage)')
  .addHelpText(
    'after',
    `
Exit codes: 0 ok · 1 checks failed · 2 usage or bad input · 3 lab unreachable or host not ready · 4 internal error`,
  )
  .exitOverride();

type Body = (command: Command, ...args: string[]) => Promise<number | void>;
/** Loads a command module only when its command runs; `pick` chooses the export (default: default). */
const action =
  <M>(load: () => Promise<M>, pick: (module: M) => Body = (module) => (module as { default: Body }).default) =>
  async (...args: unknown[]) => {
    const command = args[args.length - 1] as Command;
    const positional = command.args.map(String);
    await runAction(globalOptions(command).json, async () => pick(await load())(command, ...positional));
  };
const labMachines = () => import('./commands/lab-machines.js');

program
  .command('chapters')
  .description('list the chapters with their progress on this lab')
  .action(action(() => import('./commands/chapters.js')));

program
  .command('status')
  .description('the lab, its hosts, progress per chapter and the last check results')
  .action(action(() => import('./commands/status.js')));

program
  .command('run')
  .argument('<chapter>', 'chapter-N (or N, or its slug)')
  .option('--from <step>', 'start at this step (resume)')
  .option('--step <step>', 'run only this step')
  .option('--mirror <dir>', 'a local directory holding the files to download (the lab machines cannot reach the internet)')
  .description("apply a chapter's steps on the lab over SSH, then run its checks")
  .action(action(() => import('./commands/run.js')));

program
  .command('verify')
  .argument('<chapter>', "chapter-N, or 'all'")
  .option('--until <chapter>', "with 'all': the chapters up to this one only (a lab not finished yet)")
  .description("run a chapter's checks (or every chapter's) and explain each failure; exit 1 when one fails")
  .action(action(() => import('./commands/verify.js')));

program
  .command('replay')
  .option('--to <lab-file>', "replay onto another lab's machines (its lab directory gets this lab's PKI, jumpbox key and secrets)")
  .option('--from <chapter>', 'first chapter to replay')
  .option('--until <chapter>', 'last chapter to replay')
  .option('--new-pki', 'with --to: let the other lab make its own PKI and keys instead of copying these')
  .description("re-run every chapter this lab's state records as done, non-interactively; resumes where a failed replay stopped")
  .action(action(() => import('./commands/replay.js')));

program
  .command('export')
  .argument('<format>', "'ansible'")
  .argument('[dir]', 'directory to write the Ansible project into')
  .option('--chapter <chapter>', 'with --print: only this chapter')
  .option('--until <chapter>', 'export the chapters up to this one only')
  .option('--print', "print the chapter's role (what you did, as automation) instead of writing a project")
  .description('export the chapter plans as an Ansible project (roles, templates, vaulted secrets, verify playbooks)')
  .action(action(() => import('./commands/export.js')));

program
  .command('learn')
  .description('the guided tutor: read why, run or type each step, check it (needs a terminal)')
  .action(action(() => import('./commands/learn.js')));

program
  .command('doctor')
  .description('check this machine has what the local lab and SSH labs need')
  .action(action(() => import('./commands/doctor.js')));

const lab = program.command('lab').description('lab files and the local lab of real machines');
lab
  .command('up')
  .description('boot every host of the lab file as a real machine (systemd-nspawn, network namespaces; root)')
  .action(action(labMachines, (m) => m.up));
lab
  .command('down')
  .option('--keep', "stop the machines but keep their disks")
  .description('stop the lab machines and remove every trace of them')
  .action(action(labMachines, (m) => m.down));
lab
  .command('status')
  .description('per machine: running, pid, addresses, sshd reachable')
  .action(action(labMachines, (m) => m.status));
lab
  .command('ssh')
  .argument('<host>', 'a host of the lab')
  .argument('[command...]', 'a command to run instead of a login shell (after --)')
  .description("open a real OpenSSH session to a lab machine, host key pinned")
  .action(action(labMachines, (m) => m.ssh));
lab
  .command('reset')
  .argument('<host>', "a host of the lab, or 'all'")
  .option('--to <snapshot>', 'the snapshot to go back to (chapter-N: the state before chapter N ran)')
  .description('put machines back to a snapshot (or the bare image) in seconds')
  .action(action(labMachines, (m) => m.reset));
lab
  .command('snapshot')
  .argument('<name>', 'snapshot name, e.g. before-experiment')
  .description("copy every machine's disk so `lab reset --to NAME` can come back to it")
  .action(action(labMachines, (m) => m.snapshot));
lab
  .command('validate')
  .argument('<file>', 'lab file (YAML)')
  .description('validate a lab file: shape, names, addresses, ranges')
  .action(action(() => import('./commands/lab-validate.js')));
lab
  .command('import')
  .argument('<machines-txt>', "upstream KTHW's machines.txt (IP FQDN HOST SUBNET per line)")
  .addOption(new Option('-o, --output <file>', 'write the lab file here instead of stdout'))
  .description("turn upstream's machines.txt into a kthw lab file")
  .action(action(() => import('./commands/lab-import.js')));

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // --help and --version end here with code 0; usage errors were already printed by commander.
    process.exit(error.exitCode === 0 ? 0 : 2);
  }
  throw error;
}
