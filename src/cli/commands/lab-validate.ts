import type { Command } from 'commander';
import { loadLab } from '../../lab/load.js';
import { labFamilies } from '../../lab/types.js';
import { globalOptions } from '../global-options.js';
import { mark, printJson, table } from '../output.js';

/** `kthw lab validate FILE`: exit 0 and a summary when valid; exit 2 with file:line:column when not. */
export default async function labValidate(command: Command, file: string): Promise<number> {
  const { json } = globalOptions(command);
  const lab = await loadLab(file);
  if (json) {
    printJson({
      valid: true,
      file,
      lab: {
        name: lab.name,
        track: lab.track,
        families: labFamilies(lab),
        hosts: lab.hosts.map((h) => ({ name: h.name, roles: h.roles, addresses: h.addresses })),
      },
    });
    return 0;
  }
  console.log(`${mark.ok()} ${file}: lab "${lab.name}" (track ${lab.track}, ${labFamilies(lab).join(' + ')}), ${lab.hosts.length} hosts`);
  console.log(table(lab.hosts.map((h) => ['  ' + h.name, h.roles.join(','), [h.addresses.ipv4, h.addresses.ipv6].filter(Boolean).join(' ')])));
  return 0;
}
