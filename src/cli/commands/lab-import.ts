import type { Command } from 'commander';
import { readFile, writeFile } from 'node:fs/promises';
import { importMachinesTxt } from '../../lab/import-machines.js';
import { UsageError } from '../../util/errors.js';

/** `kthw lab import machines.txt [-o lab.yaml]`: upstream's machine list as a kthw lab file. */
export default async function labImport(command: Command, machinesFile: string): Promise<number> {
  const { output } = command.opts<{ output?: string }>();
  let text: string;
  try {
    text = await readFile(machinesFile, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${machinesFile}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {
      where: machinesFile,
      fix: 'give the path of a machines.txt file (one "IP FQDN HOST SUBNET" line per machine)',
    });
  }
  const yaml = importMachinesTxt(text, machinesFile);
  if (output) {
    await writeFile(output, yaml, { flag: 'wx' }).catch((error: NodeJS.ErrnoException) => {
      throw new UsageError(`cannot write ${output}: ${error.code === 'EEXIST' ? 'the file exists' : error.message}`, {
        where: output,
        fix: 'choose another output file; kthw never overwrites a lab file',
      });
    });
    console.error(`wrote ${output}; check it with: kthw lab validate ${output}`);
  } else {
    process.stdout.write(yaml);
  }
  return 0;
}
