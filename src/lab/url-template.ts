/**
 * The one placeholder syntax of download URLs in lab files: `{version}` (as written, e.g. v2.1.0),
 * `{version_bare}` (without a leading "v", e.g. 2.1.0) and `{arch}` (amd64 or arm64).
 */
export function renderUrl(template: string, version: string, arch: string): string {
  const values: Record<string, string> = { version, version_bare: version.replace(/^v/, ''), arch };
  return template.replace(/\{([a-z_]+)\}/g, (whole, name: string) => values[name] ?? whole);
}

/** The file name a rendered URL downloads (its last path segment). */
export function renderUrlFileName(template: string, version: string, arch: string): string {
  const url = renderUrl(template, version, arch);
  return url.slice(url.lastIndexOf('/') + 1);
}
