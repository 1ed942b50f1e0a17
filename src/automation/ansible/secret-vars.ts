/**
 * Names of the Ansible variables holding lab-directory files: `pki/ca.key` → `kthw_pki_ca_key`.
 * Private keys and the encryption config go to the vault; certificates and public keys do not.
 */
export function secretVarName(secret: string): string {
  return `kthw_${secret
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '')}`;
}

export function isVaulted(secret: string): boolean {
  return !(secret.endsWith('.crt') || secret.endsWith('.pub'));
}
