import { stringify } from 'yaml';

/** A YAML document as Ansible projects write them: `---` first, an optional comment header. */
export function yamlDocument(value: unknown, header?: string): string {
  const comment = header
    ? `${header
        .split('\n')
        .map((line) => (line ? `# ${line}` : '#'))
        .join('\n')}\n`
    : '';
  return `---\n${comment}${stringify(value, { lineWidth: 120, minContentWidth: 40 })}`;
}
