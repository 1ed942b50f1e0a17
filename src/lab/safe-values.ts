/**
 * Checks for every lab string that can end up in a shell command, a file name or a URL.
 * Each returns undefined when the value is fine, else what is wrong and how to fix it.
 * They accept narrow character sets rather than reject known-bad ones: whatever is not
 * listed (`;`, `$(`, backticks, quotes, spaces, newlines, a leading `-`) never passes.
 */
import { quoted } from './lab-error.js';

export interface Complaint {
  message: string;
  fix?: string;
}

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const USER = /^[a-z_][a-z0-9_-]{0,31}$/;
const IDENTITY = /^(~\/)?[A-Za-z0-9_./+-]+$/;
const VERSION = /^v?[0-9A-Za-z][0-9A-Za-z.+-]{0,63}$/;
const FILE_NAME = /^[A-Za-z0-9_+][A-Za-z0-9_.+-]*$/;
const SHA256 = /^[0-9a-f]{64}$/;
const URL_SHAPE = /^https?:\/\/([A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?(\/[A-Za-z0-9_.~%/+@=:{}-]*)?$/;

/** Placeholders a URL template may use. */
export const URL_PLACEHOLDERS = ['version', 'version_bare', 'arch'] as const;

const shown = quoted;

/** A lower-case look-alike of `value` that is a DNS label, to suggest; undefined if none. */
export function suggestLabel(value: string): string | undefined {
  const guess = value
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return LABEL.test(guess) ? guess : undefined;
}

export function checkLabel(value: string, what: string): Complaint | undefined {
  if (LABEL.test(value)) return undefined;
  const suggestion = suggestLabel(value);
  return {
    message: `${what} ${shown(value)} is not a DNS-1123 label (1–63 characters: a-z, 0-9 and "-", starting and ending with a letter or digit)`,
    fix: suggestion ? `rename it, e.g. ${shown(suggestion)}` : 'rename it using a-z, 0-9 and "-"',
  };
}

export function checkSubdomain(value: string, what: string): Complaint | undefined {
  if (value.length <= 253 && value.split('.').every((label) => LABEL.test(label))) return undefined;
  return {
    message: `${what} ${shown(value)} is not a DNS-1123 subdomain (dot-separated labels of a-z, 0-9 and "-", at most 253 characters)`,
    fix: 'use a name such as "kubernetes.local"',
  };
}

export function checkUser(value: string): Complaint | undefined {
  if (USER.test(value)) return undefined;
  return {
    message: `ssh user ${shown(value)} is not a valid user name (a-z, 0-9, "_" and "-", starting with a letter or "_", at most 32)`,
    fix: 'give the login name on the host, e.g. "root"',
  };
}

export function checkIdentity(value: string): Complaint | undefined {
  if (IDENTITY.test(value) && !value.startsWith('-') && !value.endsWith('/')) return undefined;
  return {
    message: `ssh identity ${shown(value)} is not a safe key path (letters, digits and _ . / + -, optionally starting with ~/)`,
    fix: 'move or link the private key to a path without spaces or shell characters, e.g. ~/.ssh/lab_ed25519',
  };
}

export function checkVersion(value: string, component: string): Complaint | undefined {
  if (VERSION.test(value)) return undefined;
  return {
    message: `version ${shown(value)} of ${component} is not a version (an optional "v", then letters, digits, ".", "+" and "-")`,
    fix: 'write it as upstream tags it, e.g. "v1.32.3"',
  };
}

export function checkComponentName(value: string): Complaint | undefined {
  if (LABEL.test(value)) return undefined;
  return {
    message: `component name ${shown(value)} is not a DNS-1123 label (a-z, 0-9 and "-")`,
    fix: 'name components as upstream does, e.g. "kubernetes", "etcd", "cni-plugins"',
  };
}

export function checkUrlTemplate(value: string, component: string): Complaint | undefined {
  if (!URL_SHAPE.test(value)) {
    return {
      message: `URL ${shown(value)} of ${component} is not an http(s) URL of safe characters (letters, digits and _ . ~ % / + @ = : - plus {placeholders})`,
      fix: 'give an https:// URL without spaces, quotes, query strings or shell characters',
    };
  }
  const known: readonly string[] = URL_PLACEHOLDERS;
  const unbalanced = value.replace(/\{[a-z_]+\}/g, '');
  if (unbalanced.includes('{') || unbalanced.includes('}')) {
    return { message: `URL ${shown(value)} of ${component} has an unbalanced "{" or "}"`, fix: `placeholders are written {version}, {version_bare} or {arch}` };
  }
  for (const match of value.matchAll(/\{([a-z_]+)\}/g)) {
    if (!known.includes(match[1]!)) {
      return {
        message: `URL ${shown(value)} of ${component} uses the unknown placeholder {${match[1]}}`,
        fix: `use only ${URL_PLACEHOLDERS.map((p) => `{${p}}`).join(', ')}`,
      };
    }
  }
  return undefined;
}

export function checkFileName(value: string, component: string): Complaint | undefined {
  if (FILE_NAME.test(value) && value.length <= 255) return undefined;
  return {
    message: `sha256 entry ${shown(value)} of ${component} is not a plain file name (letters, digits and _ . + -)`,
    fix: 'key each checksum by the file name the URL downloads, e.g. kubectl or etcd-v3.6.0-rc.3-linux-amd64.tar.gz',
  };
}

export function checkSha256(value: string, file: string): Complaint | undefined {
  if (SHA256.test(value)) return undefined;
  return {
    message: `sha256 of ${file} is not 64 lower-case hex digits: ${shown(value)}`,
    fix: 'paste the output of `sha256sum FILE` (the first column)',
  };
}
