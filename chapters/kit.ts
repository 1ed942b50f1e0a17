/**
 * The chapter kit: everything a chapter's code needs, from one import (`from '../kit.js'`).
 * A chapter is a folder `chapters/NN-slug/` (lesson.md, templates/, index.ts exporting `chapter`)
 * and one line in chapters/index.ts; it builds its plan from what is exported here:
 * - plan types and the chapter module (steps, actions, checks, generators, templates), and
 *   `chapterFolder(import.meta.url)`: the chapter's id, number and slug, read from its folder name;
 * - quoting: every value that reaches a shell goes through `sh` / `shq`;
 * - the lab (hosts, roles, addresses: `primaryAddress` is the one address rule);
 * - certificates (`CertDraft`, `profilesFrom`) and the PKI's openssl commands;
 * - the helpers chapters share (common.ts).
 */
export type * from '../src/plan/types.js';
export { renderTemplate, templateFile, templateVariables, loadChapterFile, type ChapterModule } from '../src/plan/chapter.js';
export { chapterFolder, type ChapterFolder } from '../src/plan/chapter-folder.js';
export type { Generator, GeneratorContext, GeneratorLoader } from '../src/plan/generator.js';
export { sh, shq } from '../src/ssh/shell-quote.js';
export {
  hostsWithRole,
  isNode,
  nodeHosts,
  labFamilies,
  primaryAddress,
  type ComponentVersion,
  type Family,
  type Host,
  type Lab,
  type Role,
} from '../src/lab/types.js';
export { renderUrl } from '../src/lab/url-template.js';
export { firstAddressOf, requireCanonicalIp, urlHost } from '../src/lab/cidr.js';
export { UsageError } from '../src/util/errors.js';
export type { CertDraft, CertProfile, Destination, ExtKeyUsage, SubjectAttribute } from '../src/pki/types.js';
export { profilesFrom } from '../src/pki/profiles.js';
export { opensslCommands, opensslConfig } from '../src/pki/openssl-commands.js';
export { labDirPath, labFiles, type LabFile } from '../src/state/lab-files.js';
export * from './common.js';
