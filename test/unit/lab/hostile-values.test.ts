import { describe, expect, it } from 'vitest';
import { parseLab } from '../../../src/lab/load.js';
import { CLASSIC, edit, labErrorOf } from './lab-fixtures.js';

/** Values that would change a shell command's meaning if they reached one unquoted. */
const HOSTILE = ['a;b', '$(id)', '`id`', "a'b", 'a"b', 'a\nb', 'a b', 'a\tb', '-oProxyCommand=id', 'a|b', 'a&b', 'a>b', 'a\\b', '${HOME}', 'a\u0000b'];

/** Where a string of the lab can go, as: the edited file for a YAML-quoted value, and the line the problem must be on. */
const FIELDS: Array<{ field: string; line: number; place: (quoted: string, raw: string) => string }> = [
  { field: 'lab name', line: 1, place: (q) => edit(CLASSIC, 'name: test', `name: ${q}`) },
  { field: 'domain', line: 3, place: (q) => edit(CLASSIC, 'domain: kubernetes.local', `domain: ${q}`) },
  { field: 'cluster domain', line: 11, place: (q) => edit(CLASSIC, 'clusterDomain: cluster.local', `clusterDomain: ${q}`) },
  { field: 'API name', line: 12, place: (q) => edit(CLASSIC, 'name: server.kubernetes.local', `name: ${q}`) },
  { field: 'host name', line: 20, place: (q) => edit(CLASSIC, 'name: node-0', `name: ${q}`) },
  { field: 'ssh user', line: 16, place: (q) => edit(CLASSIC, '    roles: [jumpbox]\n', `    roles: [jumpbox]\n    ssh: { user: ${q} }\n`) },
  { field: 'ssh identity', line: 16, place: (q) => edit(CLASSIC, '    roles: [jumpbox]\n', `    roles: [jumpbox]\n    ssh: { identity: ${q} }\n`) },
  { field: 'ssh jump host', line: 16, place: (q) => edit(CLASSIC, '    roles: [jumpbox]\n', `    roles: [jumpbox]\n    ssh: { jump: ${q} }\n`) },
  // Added beside etcd: a lab without etcd has a problem of its own.
  { field: 'component name', line: 29, place: (q) => edit(CLASSIC, 'versions:\n', `versions:\n  ${q}: { version: v1.0.0, source: image }\n`) },
  { field: 'version', line: 30, place: (q) => edit(CLASSIC, 'version: v3.6.0-rc.3', `version: ${q}`) },
  {
    field: 'URL',
    line: 32,
    place: (_q, raw) =>
      edit(
        CLASSIC,
        '- https://github.com/etcd-io/etcd/releases/download/{version}/etcd-{version}-linux-{arch}.tar.gz',
        `- ${JSON.stringify(`https://example.org/etcd/${raw}`)}`,
      ),
  },
  { field: 'sha256 file name', line: 31, place: (q) => edit(CLASSIC, '    urls:\n', `    sha256: { ${q}: "${'0'.repeat(64)}" }\n    urls:\n`) },
];

describe('hostile values are rejected wherever a lab string can reach a shell', () => {
  // Inside a URL's path a leading "-" is harmless (the URL starts with https://), so that one value is not hostile there.
  const cases = FIELDS.flatMap((f) => HOSTILE.filter((v) => !(f.field === 'URL' && v.startsWith('-'))).map((value) => ({ ...f, value })));

  it.each(cases)('$field = $value', ({ line, place, value }) => {
    // JSON strings are valid YAML double-quoted scalars: the hostile value arrives intact.
    const error = labErrorOf(place(JSON.stringify(value), value));
    expect(error.problems).toHaveLength(1);
    const [problem] = error.problems;
    expect(problem!.line).toBe(line);
    expect(problem!.message).toContain(JSON.stringify(value).slice(1, -1));
  });

  it('the same places accept ordinary values', () => {
    const ordinary = FIELDS.map((f) => {
      const value =
        f.field === 'URL'
          ? 'etcd.tar.gz'
          : f.field === 'ssh identity'
            ? '~/.ssh/id_ed25519'
            : f.field === 'ssh jump host'
              ? 'server'
              : f.field === 'sha256 file name'
                ? 'etcd-v3.6.0-rc.3-linux-amd64.tar.gz'
                : f.field === 'API name'
                  ? 'api.kubernetes.local'
                  : f.field === 'version'
                    ? 'v3.6.0+build.1'
                    : 'node-9';
      return { field: f.field, text: f.place(JSON.stringify(value), value) };
    });
    for (const { field, text } of ordinary) expect(() => parseLab(text, 'ok.yaml'), field).not.toThrow();
  });

  it('URLs may name an IPv6 literal host and a port, never hide a command', () => {
    const withUrl = (url: string) =>
      edit(CLASSIC, '- https://github.com/etcd-io/etcd/releases/download/{version}/etcd-{version}-linux-{arch}.tar.gz', `- ${JSON.stringify(url)}`);
    expect(parseLab(withUrl('http://[fd00:4::1]:8080/etcd/{version}/etcd-{version}-linux-{arch}.tar.gz'), 'ok.yaml').versions.etcd!.urls).toHaveLength(1);
    for (const url of [
      'http://[fd00:4::1];id/x',
      'https://$(id)/x',
      'https://host/x?y=1&z=2',
      'https://-host/x',
      'file:///etc/passwd',
      'https://host/{version',
    ]) {
      expect(labErrorOf(withUrl(url)).problems[0]!.line, url).toBe(32);
    }
  });

  it('a host name that YAML reads as another type is reported as such', () => {
    const error = labErrorOf(edit(CLASSIC, 'name: node-0', 'name: 0x10'));
    expect(error.problems[0]!.message).toBe('hosts[2].name must be a string, not the number 16');
    expect(error.problems[0]!.fix).toBe('quote it: name: "0x10"');
  });
});
