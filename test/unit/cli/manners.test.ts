import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runKthw } from '../../support/run-kthw.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'kthw-manners-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Every command path, read from the help pages themselves (Commands: sections). */
function commandPaths(path: string[] = []): string[][] {
  const help = runKthw([...path, '--help']).stdout;
  const section = help.split(/\nCommands:\n/)[1]?.split(/\n\n/)[0] ?? '';
  const names = section
    .split('\n')
    .map((line) => /^ {2}(\S+)/.exec(line)?.[1])
    .filter((n): n is string => n !== undefined && n !== 'help');
  return [path, ...names.flatMap((name) => commandPaths([...path, name]))];
}

describe('help pages', () => {
  const paths = commandPaths();

  it('finds every command, nested ones included', () => {
    expect(paths.map((p) => p.join(' '))).toEqual(expect.arrayContaining(['', 'verify', 'lab', 'lab up', 'lab validate', 'completion']));
    expect(paths.length).toBeGreaterThan(15);
  });

  it('every page has examples, and every subcommand lists the global options that apply to it', () => {
    for (const path of paths) {
      const { code, stdout } = runKthw([...path, '--help']);
      expect(code, path.join(' ')).toBe(0);
      expect(stdout, `kthw ${path.join(' ')} --help`).toMatch(/\nExamples:\n {2}\$ kthw|\nExamples:\n {2}\$ sudo kthw|\nExamples:\n {2}\$ source/);
      if (path.length > 0) {
        const global = stdout.split('\nGlobal Options:\n')[1] ?? '';
        for (const flag of ['--lab <file>', '--json', '--no-color', '--verbose']) expect(global, `kthw ${path.join(' ')} --help: ${flag}`).toContain(flag);
      }
    }
  });
});

describe('version', () => {
  it('-v, -V and --version print the version', async () => {
    const { version } = (await import('../../../package.json', { with: { type: 'json' } })).default;
    for (const flag of ['-v', '-V', '--version']) expect(runKthw([flag]), flag).toMatchObject({ code: 0, stdout: `${version}\n` });
  });
});

describe('usage errors', () => {
  it("commander's own errors take kthw's format: error, then the fix naming the right help page", () => {
    const unknown = runKthw(['lab', 'up', '--nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe("error: unknown option '--nope'\n  fix:   run kthw lab up --help for usage\n");
    const missing = runKthw(['verify']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^error: missing required argument 'chapter'\n {2}fix: {3}run kthw verify --help for usage\n$/);
  });

  it('--json is honoured by usage errors too: the error object on stdout, nothing on stderr', () => {
    for (const args of [
      ['--json', 'frobnicate'],
      ['doctor', '--frob', '--json'],
      ['--json', 'verify'],
    ]) {
      const result = runKthw(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toBe('');
      const parsed = JSON.parse(result.stdout) as { error: { message: string; fix: string; exitCode: number } };
      expect(parsed.error.exitCode).toBe(2);
      expect(parsed.error.fix).toMatch(/^run kthw .*--help for usage$/);
    }
    // The same shape as kthw's own errors (a lab file that does not exist).
    const own = JSON.parse(runKthw(['--json', '--lab', '/nonexistent/lab.yaml', 'chapters']).stdout) as { error: object };
    expect(Object.keys(own.error)).toEqual(expect.arrayContaining(['message', 'fix', 'exitCode']));
  });
});

describe('completion', () => {
  const script = (shell: string) => {
    const result = runKthw(['completion', shell]);
    expect(result.code, result.stderr).toBe(0);
    return result.stdout;
  };
  /** Runs bash's completion function as bash would for the words typed, cursor on the last one. */
  const complete = (words: string[], cwd?: string): string[] => {
    const dir = tempDir();
    writeFileSync(join(dir, 'kthw.bash'), script('bash'));
    const program = `source ${JSON.stringify(join(dir, 'kthw.bash'))}; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _kthw; printf '%s\\n' "\${COMPREPLY[@]}"`;
    return execFileSync('bash', ['-c', program, 'bash', ...words], { encoding: 'utf8', cwd })
      .split('\n')
      .filter(Boolean);
  };

  it('bash: the script registers a completion function for kthw', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'kthw.bash'), script('bash'));
    expect(execFileSync('bash', ['-c', `source ${JSON.stringify(join(dir, 'kthw.bash'))}; complete -p kthw`], { encoding: 'utf8' }).trim()).toBe(
      'complete -F _kthw kthw',
    );
  });

  it('bash: commands, subcommands, chapter ids, options with the global ones, and files after --lab', () => {
    expect(complete(['kthw', 'la'])).toEqual(['lab']);
    expect(complete(['kthw', 'lab', ''])).toEqual(expect.arrayContaining(['up', 'down', 'status', 'ssh', 'reset', 'snapshot', 'validate', 'import']));
    expect(complete(['kthw', 'verify', 'a'])).toEqual(['all']);
    expect(complete(['kthw', 'run', 'chapter-'])).toEqual(expect.arrayContaining(['chapter-1', 'chapter-7']));
    expect(complete(['kthw', 'run', 'chapter-2', '--m'])).toEqual(['--mirror']);
    expect(complete(['kthw', 'lab', 'up', '--j'])).toEqual(['--json']);
    expect(complete(['kthw', 'completion', 'f'])).toEqual(['fish']);
    const dir = tempDir();
    writeFileSync(join(dir, 'my-lab.yaml'), '');
    expect(complete(['kthw', '--lab', 'my'], dir)).toEqual(['my-lab.yaml']);
    expect(complete(['kthw', 'run', 'chapter-2', '--step', ''])).toEqual([]); // a step id: nothing to guess
  });

  const has = (shell: string) => spawnSync(shell, ['-c', 'true']).status === 0;

  it('zsh: the script parses (zsh -n) and completes through bashcompinit', () => {
    expect(has('zsh'), 'zsh is installed by lab/setup-host.sh').toBe(true);
    const dir = tempDir();
    writeFileSync(join(dir, '_kthw'), script('zsh'));
    expect(spawnSync('zsh', ['-n', join(dir, '_kthw')], { encoding: 'utf8' })).toMatchObject({ status: 0, stderr: '' });
    // Registered with zsh's completion system; zsh's own compadd filters the words by what was typed.
    const program = `source ${JSON.stringify(join(dir, '_kthw'))}; print -r -- \${_comps[kthw]}; () { emulate -L sh; setopt kshglob noshglob braceexpand; COMP_WORDS=(kthw lab ''); COMP_CWORD=2; _kthw; print -l -- "\${COMPREPLY[@]}"; }`;
    const [registered, ...words] = execFileSync('zsh', ['-c', program], { encoding: 'utf8', env: { ...process.env, HOME: dir } })
      .trim()
      .split('\n');
    expect(registered).toBe('_bash_complete -F _kthw');
    expect(words).toEqual(expect.arrayContaining(['up', 'down', 'ssh', 'validate', '--lab', '--json']));
  });

  it('fish: the script parses (fish -n) and completes commands and options', () => {
    expect(has('fish'), 'fish is installed by lab/setup-host.sh').toBe(true);
    const dir = tempDir();
    writeFileSync(join(dir, 'kthw.fish'), script('fish'));
    expect(spawnSync('fish', ['-n', join(dir, 'kthw.fish')], { encoding: 'utf8' })).toMatchObject({ status: 0, stderr: '' });
    const run = (line: string) =>
      execFileSync('fish', ['--no-config', '-c', `source ${JSON.stringify(join(dir, 'kthw.fish'))}; complete -C ${JSON.stringify(line)}`], {
        encoding: 'utf8',
        env: { ...process.env, HOME: dir },
      })
        .split('\n')
        .map((l) => l.split('\t')[0]);
    expect(run('kthw la')).toContain('lab');
    expect(run('kthw lab s')).toEqual(expect.arrayContaining(['ssh', 'snapshot', 'status']));
    expect(run('kthw run chapter-2 --mi')).toContain('--mirror');
    expect(run('kthw verify a')).toContain('all');
  });

  it('an unknown shell is a usage error naming the ones there are', () => {
    const result = runKthw(['completion', 'tcsh']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no completion for shell "tcsh"[\s\S]*fix: {3}use one of: bash, zsh, fish/);
  });
});

describe('--lab outside the repository', () => {
  it('lab/classic.yaml and classic.yaml find the shipped lab files from any directory', () => {
    for (const given of ['lab/classic.yaml', 'classic.yaml', 'lab/ipv6-ha.yaml']) {
      const result = runKthw(['--lab', given, '--json', 'chapters'], { cwd: tempDir() });
      expect(result.code, `${given}: ${result.stdout}${result.stderr}`).toBe(0);
    }
  });

  it('a file of that name in the current directory wins over the shipped one', () => {
    const dir = tempDir();
    const text = readFileSync(join(import.meta.dirname, '../../../lab/classic.yaml'), 'utf8').replace(/^name: classic$/m, 'name: mine');
    writeFileSync(join(dir, 'classic.yaml'), text);
    expect(JSON.parse(runKthw(['--lab', 'classic.yaml', '--json', 'status'], { cwd: dir }).stdout)).toMatchObject({ lab: { name: 'mine' } });
  });

  it('nothing found: the error says every place it looked', () => {
    const dir = tempDir();
    const result = runKthw(['--lab', 'lab/nope.yaml', 'chapters'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`cannot find lab file lab/nope.yaml: looked at ${join(dir, 'lab/nope.yaml')}, `);
    expect(result.stderr).toMatch(/lab\/nope\.yaml, \S+\/lab\/lab\/nope\.yaml\n/);
  });
});

describe('verify when no host can be reached', () => {
  // kthw runs in a network namespace of the test's own with only loopback up: the lab's addresses
  // lead nowhere (validation refuses a lab on loopback, as it would turn every step onto this machine).
  const netns = `kthw-unreach-${process.pid}`;
  beforeAll(() => {
    execFileSync('ip', ['netns', 'add', netns]);
    execFileSync('ip', ['-n', netns, 'link', 'set', 'lo', 'up']);
  });
  afterAll(() => execFileSync('ip', ['netns', 'delete', netns]));

  /** The classic lab, every host's sshd at `port`. */
  const unreachableLab = (dir: string, port: number, identity?: string) => {
    const text = readFileSync(join(import.meta.dirname, '../../../lab/classic.yaml'), 'utf8')
      .replace(/^name: classic$/m, 'name: unreachable')
      .replace(/^ {4}roles: \[/gm, `    ssh: { port: ${port}${identity ? `, identity: ${identity}` : ''} }\n    roles: [`);
    writeFileSync(join(dir, 'unreachable.yaml'), text);
    return join(dir, 'unreachable.yaml');
  };
  const closedPort = async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return port;
  };

  it('without any SSH authentication: exit 3, the connection’s fix, no list of failed checks', async () => {
    const dir = tempDir();
    const lab = unreachableLab(dir, await closedPort());
    const result = runKthw(['--lab', lab, 'verify', 'chapter-3'], { cwd: dir, env: { SSH_AUTH_SOCK: undefined, HOME: dir }, netns });
    expect(result.code, result.stdout + result.stderr).toBe(3);
    expect(result.stdout).not.toMatch(/✗/);
    expect(result.stderr).toMatch(/^error: no host of lab unreachable could be reached \(jumpbox, server, node-0, node-1\); nothing was checked/);
    expect(result.stderr).toMatch(/fix: {3}give the host an identity file in the lab file \(ssh\.identity\), or start ssh-agent/);
  });

  it('with a key but no route to any host: exit 3 as JSON too, and no failed checks recorded in the state', async () => {
    const dir = tempDir();
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'id')]);
    const lab = unreachableLab(dir, await closedPort(), join(dir, 'id'));
    const result = runKthw(['--json', '--lab', lab, 'verify', 'all'], { cwd: dir, env: { HOME: dir }, netns });
    expect(result.code, result.stdout + result.stderr).toBe(3);
    const { error } = JSON.parse(result.stdout) as { error: { message: string; fix: string; exitCode: number } };
    expect(error.exitCode).toBe(3);
    expect(error.message).toMatch(/no host of lab unreachable could be reached.*nothing was checked/);
    expect(error.fix).toBeTruthy();
    const status = JSON.parse(runKthw(['--json', '--lab', lab, 'status'], { cwd: dir, env: { HOME: dir } }).stdout) as unknown;
    expect(JSON.stringify(status)).not.toMatch(/"ok":\s*false/);
  });
});
