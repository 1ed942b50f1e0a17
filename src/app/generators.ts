/**
 * The generators a session's plans may call: kthw's own (the PKI, SSH keys) and those the lab's
 * chapters register. Each loads on first use, so listing chapters or progress loads none of them.
 */
import type { Generators } from '../engine/generators.js';
import type { ChapterModule } from '../plan/chapter.js';
import type { Generator, GeneratorLoader } from '../plan/generator.js';

const builtin =
  (name: 'pki' | 'ssh-key', modules: readonly ChapterModule[]): GeneratorLoader =>
  () =>
    import('../engine/builtin-generators.js').then((m) => m.builtinGenerators(modules)[name]);

/** `pki` makes the certificates `modules` declare (ChapterModule.certificates). */
export function generatorRegistry(modules: readonly ChapterModule[]): Generators {
  const kthwOwn: Record<string, GeneratorLoader> = { pki: builtin('pki', modules), 'ssh-key': builtin('ssh-key', modules) };
  const loaders = new Map<string, { load: GeneratorLoader; owner: string }>(Object.entries(kthwOwn).map(([name, load]) => [name, { load, owner: 'kthw' }]));
  for (const module of modules) {
    for (const [name, load] of Object.entries(module.generators ?? {})) {
      const taken = loaders.get(name);
      if (taken) throw new Error(`${module.meta.id} registers the generator "${name}", which ${taken.owner} already has: give it another name`);
      loaders.set(name, { load, owner: module.meta.id });
    }
  }
  return Object.fromEntries([...loaders].map(([name, { load }]): [string, Generator] => [name, async (items, context) => (await load())(items, context)]));
}
