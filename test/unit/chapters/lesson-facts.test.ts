import { describe, expect, it } from 'vitest';
import { loadChapterFile } from '../../../src/plan/chapter.js';

// Facts the lessons state, checked against their sources (issue 14, "Lesson facts"):
// - Kubernetes' bootstrap RBAC policy (plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go) binds
//   system:node-proxier, system:kube-scheduler, system:volume-scheduler and system:kube-controller-manager
//   to USERS, never to the groups the certificates carry;
// - etcd.io "Upgrade etcd from v3.5 to v3.6" (current): all 3.5 members at 3.5.26 or later first;
// - kube-vip's behaviour is not something kthw runs or checks yet, so no lesson claims it;
// - only the local lab is known to have no internet.
const lesson = (slug: string): string => loadChapterFile(slug, 'lesson.md').replace(/\s+/g, ' ');

const defaultUserBindings: Record<string, string[]> = {
  'system:kube-proxy': ['system:node-proxier'],
  'system:kube-scheduler': ['system:kube-scheduler', 'system:volume-scheduler'],
  'system:kube-controller-manager': ['system:kube-controller-manager'],
};

describe('lesson facts', () => {
  it('04 says the default bindings match the user (CN), naming each binding, and never that a group is granted', () => {
    const text = lesson('04-certificate-authority');
    expect(text).not.toMatch(/grants this group/);
    expect(text).not.toMatch(/only works because its user name is bound/);
    for (const [user, bindings] of Object.entries(defaultUserBindings)) {
      for (const binding of bindings) expect(text, `${binding} → user ${user}`).toContain(`\`${binding}\``);
      expect(text).toContain(`user \`${user}\``);
    }
    expect(text).toMatch(/match the \*\*user\*\* \(the CN\), never the group/);
    expect(text).toMatch(/No default binding names the groups/);
  });

  it('07 gives etcd’s current minimum for 3.5 → 3.6 (3.5.26) and says the lab’s 3.5.16 does not meet it', () => {
    const text = lesson('07-etcd');
    expect(text).not.toMatch(/from 3\.5\.20 or later/);
    expect(text).toMatch(/3\.5\.26 or later/);
    expect(text).toMatch(/3\.5\.16 meets neither/);
  });

  it('05 makes no claim about when kube-vip raises the VIP', () => {
    expect(lesson('05-kubeconfigs')).not.toMatch(/kube-vip raises the VIP/);
  });

  it('02 says only the local lab is without internet', () => {
    const text = lesson('02-jumpbox');
    expect(text).not.toMatch(/machines of a kthw lab cannot reach the internet/);
    expect(text).toMatch(/local lab cannot reach the internet/);
  });
});
