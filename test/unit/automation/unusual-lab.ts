import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const classic = fileURLToPath(new URL('../../../lab/classic.yaml', import.meta.url));

/** The learner's own names and addresses: what a chapter's role must carry (no shipped lab uses them). */
export const unusual = { jumpbox: 'bastion-7', server: 'ctl-alpha', workers: ['wrk-zeta', 'wrk-eta'], serverIpv4: '10.240.0.111' };

/** The classic lab with every host renamed and the server moved; written into `dir`, its path returned. */
export function writeUnusualLab(dir: string): string {
  const text = readFileSync(classic, 'utf8')
    .replace('name: classic', 'name: odd-names')
    .replace('- name: jumpbox', `- name: ${unusual.jumpbox}`)
    .replace('- name: server', `- name: ${unusual.server}`)
    .replace('- name: node-0', `- name: ${unusual.workers[0]}`)
    .replace('- name: node-1', `- name: ${unusual.workers[1]}`)
    .replace('ipv4: 10.240.0.11,', `ipv4: ${unusual.serverIpv4},`)
    .replace('api: { name: server.kubernetes.local', `api: { name: ${unusual.server}.kubernetes.local`);
  const file = join(dir, 'odd-names.yaml');
  writeFileSync(file, text);
  return file;
}
