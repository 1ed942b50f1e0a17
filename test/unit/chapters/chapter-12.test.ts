/**
 * Chapter 12 as plans: upstream's nginx where a registry is reachable, the local lab's own image by
 * digest where not; a NodePort check per worker on its own address; creations that can run twice.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChapter } from '../../../chapters/index.js';
import type { Lab } from '../../../src/lab/types.js';
import type { Plan } from '../../../src/plan/types.js';
import { shippedLabs } from './fixtures.js';

let classic: Lab;
const images = mkdtempSync(join(tmpdir(), 'kthw-ch12-'));
const digest = `sha256:${'c'.repeat(64)}`;
beforeAll(async () => {
  classic = (await shippedLabs()).classic!;
  writeFileSync(
    join(images, 'images.json'),
    JSON.stringify([{ reference: 'kthw.local/nginx:1.26', digest, archive: 'nginx.oci.tar', standsInFor: 'nginx:latest' }]),
  );
});
afterAll(() => rmSync(images, { recursive: true, force: true }));

const plan = (params: Record<string, string> = {}): Plan => findChapter('chapter-12').plan(classic, params);
const run = (p: Plan, id: string) => {
  const action = p.steps.find((s) => s.id === id)!.actions[0]!;
  return action.kind === 'command' ? action : undefined;
};

describe('chapter 12, the smoke test', () => {
  it("deploys upstream's nginx:latest when the lab hands over no images, and the local lab's nginx by digest when it does", () => {
    expect(run(plan(), 'deployment')!.run).toMatch(/ '?--image=nginx:latest'? /);
    const local = run(plan({ images }), 'deployment')!;
    expect(local.run).toMatch(new RegExp(` '?--image=kthw\\.local/nginx@${digest}'? `));
    // apply, not create, and skipped only when the image is the same and the rollout is done
    expect(local.run).toMatch(/--dry-run=client -o yaml \| kubectl apply -f -/);
    expect(local.unless).toMatch(new RegExp(`= '?kthw\\.local/nginx@${digest}'? \\]`));
  });

  it('runs from the jumpbox, reads the Secret from etcd on the controller, and asks every worker for the node port on its own address', () => {
    const p = plan();
    expect(new Set(p.steps.map((s) => s.host))).toEqual(new Set(['jumpbox']));
    expect(p.checks.map((c) => [c.id, c.host])).toEqual([
      ['secret-encrypted', 'server'],
      ['deployment-available', 'jumpbox'],
      ['port-forward', 'jumpbox'],
      ['logs', 'jumpbox'],
      ['exec', 'jumpbox'],
      ['nodeport-node-0', 'jumpbox'],
      ['nodeport-node-1', 'jumpbox'],
    ]);
    expect(p.checks.find((c) => c.id === 'nodeport-node-1')!.params.run).toMatch(/'?http:\/\/10\.240\.0\.21'?:"\$port"\//);
    expect(p.checks.find((c) => c.id === 'secret-encrypted')!.params.run).toContain('get /registry/secrets/default/kubernetes-the-hard-way');
  });
});
