import type { Generator } from '../plan/generator.js';

export type { Generator, GeneratorContext } from '../plan/generator.js';

/** The generators a run can call, by the name a `generate` action gives (registered by chapters, plus kthw's own). */
export type Generators = Readonly<Record<string, Generator>>;
