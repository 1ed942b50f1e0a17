import { shq } from '../src/ssh/shell-quote.js';
import { assertion, unsafe } from './ansible-tasks.js';
import { errorText, factOf, gatherScript, parseFacts } from './facts.js';
import { ParamReader } from './params.js';
import type { AnsibleTask, CheckPrimitive } from './types.js';
import { fail, verdictFrom } from './verdict.js';

/**
 * A file (or, with `type: directory`, a directory such as etcd's data dir) on the host: it exists
 * (following symlinks), with the expected mode, owner, group and content.
 */
export interface FileParams {
  path: string;
  type: 'file' | 'directory';
  /** Octal, e.g. "0600". */
  mode?: string;
  owner?: string;
  group?: string;
  sha256?: string;
  contains?: string;
  matches?: RegExp;
}

/** Content is read only up to this size for `contains` / `matches`. */
const contentLimit = 1024 * 1024;

export const fileCheck: CheckPrimitive<FileParams> = {
  kind: 'file',

  parse(params) {
    const read = new ParamReader('file', params);
    const mode = read.optString('mode');
    if (mode !== undefined && !/^0?[0-7]{3,4}$/.test(mode)) read.fail('mode', 'an octal mode such as "0600"');
    const sha256 = read.optString('sha256')?.toLowerCase();
    if (sha256 !== undefined && !/^[0-9a-f]{64}$/.test(sha256)) read.fail('sha256', 'a sha256 digest in hex (64 characters)');
    const type = read.optEnum('type', ['file', 'directory'] as const) ?? 'file';
    if (type === 'directory' && (sha256 !== undefined || read.has('contains') || read.has('matches'))) {
      read.fail('type', '"file" when sha256, contains or matches are given');
    }
    return {
      path: read.string('path'),
      type,
      mode,
      owner: read.optString('owner'),
      group: read.optString('group'),
      sha256,
      contains: read.optString('contains'),
      matches: read.optRegex('matches'),
    };
  },

  gather(p) {
    const lines = [`kthw_fact stat stat -L -c '%a %U %G %u %g %F' -- ${shq(p.path)}`];
    if (p.sha256) lines.push(`kthw_fact sha256 sha256sum -- ${shq(p.path)}`);
    if (p.contains !== undefined || p.matches) lines.push(`kthw_fact content head -c ${contentLimit} -- ${shq(p.path)}`);
    return gatherScript(lines);
  },

  judge(p, text) {
    const facts = parseFacts(text);
    const stat = factOf(facts, 'stat');
    if (stat.code !== 0) return fail('missing', `cannot stat the file: ${errorText(stat)}`, p.path);
    const [mode = '', owner = '', group = '', uid = '', gid = '', ...type] = stat.stdout.trim().split(' ');
    const fileType = type.join(' ');
    const observed = `${fileType}, mode ${mode.padStart(4, '0')}, owner ${owner}:${group}`;
    const isWanted = p.type === 'directory' ? fileType === 'directory' : fileType === 'regular file' || fileType === 'regular empty file';
    if (!isWanted) return fail(observed, `expected a ${p.type === 'directory' ? 'directory' : 'regular file'}, found a ${fileType}`, p.path);
    const problems: string[] = [];
    if (p.mode !== undefined && parseInt(mode, 8) !== parseInt(p.mode, 8)) {
      problems.push(`mode is ${mode.padStart(4, '0')}, expected ${p.mode.padStart(4, '0')}`);
    }
    if (p.owner !== undefined && p.owner !== owner && p.owner !== uid) problems.push(`owner is ${owner}, expected ${p.owner}`);
    if (p.group !== undefined && p.group !== group && p.group !== gid) problems.push(`group is ${group}, expected ${p.group}`);
    if (p.sha256) {
      const sum = factOf(facts, 'sha256');
      const digest = /[0-9a-f]{64}/.exec(sum.stdout)?.[0];
      if (sum.code !== 0 || !digest) problems.push(`cannot hash the content: ${errorText(sum)}`);
      else if (digest !== p.sha256) problems.push(`content sha256 is ${digest}, expected ${p.sha256}`);
    }
    if (p.contains !== undefined || p.matches) {
      const content = factOf(facts, 'content');
      if (content.code !== 0) problems.push(`cannot read the content: ${errorText(content)}`);
      else {
        if (p.contains !== undefined && !content.stdout.includes(p.contains)) problems.push(`content does not contain ${JSON.stringify(p.contains)}`);
        if (p.matches && !p.matches.test(content.stdout)) problems.push(`content does not match /${p.matches.source}/`);
      }
    }
    return verdictFrom(problems, observed, p.path);
  },

  ansible(p, ctx) {
    const r = ctx.register;
    const vars: Record<string, unknown> = {};
    const that = [`${r}.stat.exists`, p.type === 'directory' ? `${r}.stat.isdir` : `${r}.stat.isreg`];
    if (p.mode !== undefined) that.push(`${r}.stat.mode == "${parseInt(p.mode, 8).toString(8).padStart(4, '0')}"`);
    // Like the judge, an owner or group may be given by name or by number.
    if (p.owner !== undefined) {
      vars.expected_owner = unsafe(p.owner);
      that.push(`${r}.stat.pw_name == expected_owner or (${r}.stat.uid | string) == expected_owner`);
    }
    if (p.group !== undefined) {
      vars.expected_group = unsafe(p.group);
      that.push(`${r}.stat.gr_name == expected_group or (${r}.stat.gid | string) == expected_group`);
    }
    if (p.sha256) that.push(`${r}.stat.checksum == "${p.sha256}"`);
    const tasks: AnsibleTask[] = [
      {
        name: 'Stat the path',
        'ansible.builtin.stat': {
          path: unsafe(p.path),
          follow: true,
          ...(p.sha256 ? { get_checksum: true, checksum_algorithm: 'sha256' } : { get_checksum: false }),
        },
        register: r,
      },
    ];
    if (p.contains !== undefined || p.matches) {
      tasks.push({
        name: 'Read the content',
        'ansible.builtin.slurp': { src: unsafe(p.path) },
        register: `${r}_content`,
        when: `${r}.stat.isreg | default(false)`,
      });
      if (p.contains !== undefined) {
        vars.expected_text = unsafe(p.contains);
        that.push(`expected_text in (${r}_content.content | b64decode)`);
      }
      if (p.matches) {
        vars.expected_pattern = unsafe(p.matches.source);
        that.push(`(${r}_content.content | b64decode) is search(expected_pattern, multiline=True)`);
      }
    }
    return [...tasks, assertion(ctx, 'Assert type, mode, owner and content', that, vars)];
  },
};
