import { sh } from '../ssh/shell-quote.js';

const debianPackage = /^[a-z0-9][a-z0-9+.-]+$/;

/**
 * The command that installs Debian packages with apt, and its guard: every package already
 * installed (then apt is not even asked, so a replay changes nothing and needs no mirror).
 */
export function packagesCommand(names: string[]): { run: string; unless: string } | { error: string } {
  if (names.length === 0) return { error: 'no package named' };
  const bad = names.find((n) => !debianPackage.test(n));
  if (bad !== undefined) return { error: `${JSON.stringify(bad)} is not a Debian package name` };
  return {
    run: sh`apt-get update && DEBIAN_FRONTEND=noninteractive apt-get -y install ${names}`,
    unless: names.map((n) => sh`dpkg-query -W -f=${'${db:Status-Status}'} ${n} 2>/dev/null | grep -qx installed`).join(' && '),
  };
}
