/**
 * The kthw command line. This entry stays small: every command body is a dynamic import, so
 * `kthw --help` loads commander and nothing else (no ink, react, ssh2, zod or yaml, not even the
 * error reporting that commands share: see command-runtime.ts).
 */
import { Command, CommanderError, Option } from 'commander';
import { endQuietlyWhenReaderGoes } from './quiet-pipes.js';
import { VERSION } from './version.js';

const commandRuntime = () => import('./command-runtime.js');

/** An "Examples:" section for a help page: every page has one. */
const examples = (...lines: string[]) => `\nExamples:\n${lines.map((line) => `  $ ${line}`).join('\n')}\n`;

/** Commander's own usage errors, held until they can be reported as kthw reports every error. */
let usageMessage: string | undefined;

endQuietlyWhenReaderGoes();

const program = new Command('kthw')
  .description('A terminal tutor for Kubernetes the Hard Way: build it by hand on real machines, verify it, replay it.')
  .version(VERSION, '-v, --version', 'print the version and exit')
  .addOption(new Option('-V', 'print the version and exit').hideHelp())
  .option('--lab <file>', 'lab file to use (default: the built-in local lab, lab/classic.yaml)')
  .option('--json', 'machine-readable output on stdout')
  .option('--no-color', 'no colour in human output (a non-empty NO_COLOR is honoured too)')
  .option('--verbose', 'say more about what is happening')
  // Inherited by every subcommand created below: their help lists the global options too.
  .configureHelp({ showGlobalOptions: true })
  .configureOutput({ outputError: (text) => void (usageMessage = text.trim().replace(/^error: /, '')) })
  .addHelpText(
    'after',
    `${examples('kthw learn', 'kthw run chapter-3', 'kthw verify all --json', 'kthw --lab lab/ipv6-ha.yaml status', 'source <(kthw completion bash)')}
Exit codes: 0 ok · 1 checks failed · 2 usage or bad input · 3 lab unreachable or host not ready · 4 internal error`,
  )
  .exitOverride();
program.on('option:V', () => {
  process.stdout.write(`${VERSION}\n`);
  process.exit(0);
});

type Body = (command: Command, ...args: string[]) => Promise<number | void>;
/** Loads a command module only when its command runs; `pick` chooses the export (default: default). */
const action =
  <M>(load: () => Promise<M>, pick: (module: M) => Body = (module) => (module as { default: Body }).default) =>
  async (...args: unknown[]) => {
    const { globalOptions, runAction } = await commandRuntime();
    const command = args[args.length - 1] as Command;
    const positional = command.args.map(String);
    await runAction(globalOptions(command).json, async () => pick(await load())(command, ...positional));
  };
const labMachines = () => import('./commands/lab-machines.js');

program
  .command('chapters')
  .description('list the chapters with their progress on this lab')
  .addHelpText('after', examples('kthw chapters', 'kthw --json chapters'))
  .action(action(() => import('./commands/chapters.js')));

program
  .command('status')
  .description('the lab, its hosts, progress per chapter and the last check results')
  .addHelpText('after', examples('kthw status', 'kthw --lab lab/ipv6-ha.yaml status --json'))
  .action(action(() => import('./commands/status.js')));

program
  .command('run')
  .argument('<chapter>', 'chapter-N (or N, or its slug)')
  .option('--from <step>', 'start at this step (resume)')
  .option('--step <step>', 'run only this step')
  .option('--mirror <dir>', 'a local directory holding the files to download (the lab machines cannot reach the internet)')
  .description("apply a chapter's steps on the lab over SSH, then run its checks")
  .addHelpText('after', examples('kthw run chapter-3', 'kthw run 2 --mirror ~/kthw-downloads', 'kthw run chapter-4 --verbose'))
  .action(action(() => import('./commands/run.js')));

program
  .command('verify')
  .argument('<chapter>', "chapter-N, or 'all'")
  .option('--until <chapter>', "with 'all': the chapters up to this one only (a lab not finished yet)")
  .description("run a chapter's checks (or every chapter's) and explain each failure; exit 1 when one fails")
  .addHelpText('after', examples('kthw verify chapter-4', 'kthw verify all --json'))
  .action(action(() => import('./commands/verify.js')));

program
  .command('replay')
  .option('--to <lab-file>', "replay onto another lab's machines (its lab directory gets this lab's PKI, jumpbox key and secrets)")
  .option('--from <chapter>', 'first chapter to replay')
  .option('--until <chapter>', 'last chapter to replay')
  .option('--new-pki', 'with --to: let the other lab make its own PKI and keys instead of copying these')
  .description("re-run every chapter this lab's state records as done, non-interactively; resumes where a failed replay stopped")
  .addHelpText('after', examples('kthw replay', 'kthw replay --until chapter-5', 'kthw replay --to my-lab.yaml'))
  .action(action(() => import('./commands/replay.js')));

program
  .command('export')
  .argument('<format>', "'ansible'")
  .argument('[dir]', 'directory to write the Ansible project into')
  .option('--chapter <chapter>', 'with --print: only this chapter')
  .option('--until <chapter>', 'export the chapters up to this one only')
  .option('--print', "print the chapter's role (what you did, as automation) instead of writing a project")
  .description('export the chapter plans as an Ansible project (roles, templates, vaulted secrets, verify playbooks)')
  .addHelpText('after', examples('kthw export ansible ./kthw-ansible', 'kthw export ansible --chapter chapter-4 --print'))
  .action(action(() => import('./commands/export.js')));

program
  .command('learn')
  .description('the guided tutor: read why, run or type each step, check it (needs a terminal)')
  .addHelpText('after', examples('kthw learn', 'kthw --lab lab/ipv6-ha.yaml learn'))
  .action(action(() => import('./commands/learn.js')));

program
  .command('doctor')
  .description('check this machine has what the local lab and SSH labs need')
  .addHelpText('after', examples('kthw doctor', 'kthw doctor --json'))
  .action(action(() => import('./commands/doctor.js')));

const lab = program
  .command('lab')
  .description('lab files and the local lab of real machines')
  .addHelpText('after', examples('sudo kthw lab up', 'kthw lab status', 'kthw lab ssh server'));
lab
  .command('up')
  .description('boot every host of the lab file as a real machine (systemd-nspawn, network namespaces; root)')
  .addHelpText('after', examples('sudo kthw lab up', 'sudo kthw --lab lab/ipv6-ha.yaml lab up'))
  .action(action(labMachines, (m) => m.up));
lab
  .command('down')
  .option('--keep', 'stop the machines but keep their disks')
  .description('stop the lab machines and remove every trace of them')
  .addHelpText('after', examples('sudo kthw lab down', 'sudo kthw lab down --keep'))
  .action(action(labMachines, (m) => m.down));
lab
  .command('status')
  .description('per machine: running, pid, addresses, sshd reachable')
  .addHelpText('after', examples('kthw lab status', 'kthw lab status --json'))
  .action(action(labMachines, (m) => m.status));
lab
  .command('ssh')
  .argument('<host>', 'a host of the lab')
  .argument('[command...]', 'a command to run instead of a login shell (after --)')
  .description('open a real OpenSSH session to a lab machine, host key pinned')
  .addHelpText('after', examples('kthw lab ssh server', 'kthw lab ssh node-0 -- ip -br addr'))
  .action(action(labMachines, (m) => m.ssh));
lab
  .command('reset')
  .argument('<host>', "a host of the lab, or 'all'")
  .option('--to <snapshot>', 'the snapshot to go back to (chapter-N: the state before chapter N ran)')
  .description('put machines back to a snapshot (or the bare image) in seconds')
  .addHelpText('after', examples('sudo kthw lab reset all', 'sudo kthw lab reset server --to chapter-7'))
  .action(action(labMachines, (m) => m.reset));
lab
  .command('snapshot')
  .argument('<name>', 'snapshot name, e.g. before-experiment')
  .description("copy every machine's disk so `lab reset --to NAME` can come back to it")
  .addHelpText('after', examples('sudo kthw lab snapshot before-experiment', 'sudo kthw lab reset all --to before-experiment'))
  .action(action(labMachines, (m) => m.snapshot));
lab
  .command('binaries')
  .option('--rebuild', 'build again even when the cached binaries exist')
  .description('build (once per machine) the Kubernetes, etcd and crictl binaries of lab/binaries/ into a local release mirror')
  .addHelpText('after', examples('kthw lab binaries', 'kthw lab binaries --rebuild'))
  .action(action(() => import('./commands/lab-binaries.js')));
lab
  .command('pod-images')
  .option('--rebuild', 'build again even when the cached images exist')
  .description('build (once per machine) the images pods run in the local lab, which has no registry: pause, nginx, busybox as OCI archives')
  .addHelpText('after', examples('kthw lab pod-images', 'kthw --json lab pod-images'))
  .action(action(() => import('./commands/lab-pod-images.js')));
lab
  .command('validate')
  .argument('<file>', 'lab file (YAML)')
  .description('validate a lab file: shape, names, addresses, ranges')
  .addHelpText('after', examples('kthw lab validate lab/classic.yaml', 'kthw --json lab validate my-lab.yaml'))
  .action(action(() => import('./commands/lab-validate.js')));
lab
  .command('import')
  .argument('<machines-txt>', "upstream KTHW's machines.txt (IP FQDN HOST SUBNET per line)")
  .addOption(new Option('-o, --output <file>', 'write the lab file here instead of stdout'))
  .description("turn upstream's machines.txt into a kthw lab file")
  .addHelpText('after', examples('kthw lab import machines.txt', 'kthw lab import machines.txt -o my-lab.yaml'))
  .action(action(() => import('./commands/lab-import.js')));

program
  .command('completion')
  .argument('<shell>', 'bash, zsh or fish')
  .description('print a shell completion script for kthw')
  .addHelpText(
    'after',
    examples(
      'source <(kthw completion bash)   # in ~/.bashrc',
      'source <(kthw completion zsh)    # in ~/.zshrc',
      'kthw completion fish | source    # in ~/.config/fish/config.fish',
    ),
  )
  .action(action(() => import('./commands/completion.js')));

/** `kthw lab up --help`: the help page of the command the words typed so far name. */
function helpCommandOf(argv: string[]): string {
  const path: string[] = [];
  let command: Command = program;
  for (const word of argv) {
    if (word === '--') break;
    const sub = command.commands.find((c) => c.name() === word);
    if (sub) {
      path.push(word);
      command = sub;
    }
  }
  return ['kthw', ...path, '--help'].join(' ');
}

async function main(): Promise<void> {
  try {
    await program.parseAsync(process.argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with code 0; a bare `kthw lab` showed its help on stderr.
      if (error.exitCode === 0 || usageMessage === undefined) process.exit(error.exitCode === 0 ? 0 : 2);
      // Commander's usage errors leave like every other error: one format, JSON with --json.
      const args = process.argv.slice(2);
      const json = args.slice(0, args.includes('--') ? args.indexOf('--') : undefined).includes('--json');
      const message = usageMessage;
      const { runAction, UsageError } = await commandRuntime();
      await runAction(json, () => Promise.reject(new UsageError(message, { fix: `run ${helpCommandOf(args)} for usage` })));
    }
    throw error;
  }
}

// Not a top-level await: the entry is bundled as CommonJS (scripts/build.mjs). An error leaves as
// an unhandled rejection does: its stack on stderr, exit code 1.
void main();
