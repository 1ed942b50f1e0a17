/**
 * What a learner types for a step, shown in the lesson, the "type it myself" panel and the
 * explanation. Read from the plan's actions, never invented: a command is shown as the chapter
 * wrote it; a file becomes a here-document plus chmod; a unit becomes its systemctl lines.
 */
import type { Action, Step } from '../plan/types.js';
import { shq } from '../ssh/shell-quote.js';
import { unpackCommand } from '../engine/unpack-command.js';

export function actionLines(action: Action): string[] {
  switch (action.kind) {
    case 'command':
      return action.run.split('\n');
    case 'file': {
      const marker = hereDocMarker(action.content);
      const body = action.content.endsWith('\n') ? action.content.slice(0, -1) : action.content;
      return [`cat > ${shq(action.path)} <<'${marker}'`, ...body.split('\n'), marker, ...ownership(action.path, action.mode, action.owner, action.group)];
    }
    case 'secret-file':
      return [`# copy ${action.secret} from your lab directory to ${action.path}`, ...ownership(action.path, action.mode, action.owner, action.group)];
    case 'copy':
      return [
        `# from your machine, copy ${action.from} to this host's ${action.path} (scp or kthw run does it)`,
        ...(action.sha256 ? [`echo ${shq(`${action.sha256}  ${action.path}`)} | sha256sum -c -`] : []),
        ...ownership(action.path, action.mode, action.owner, action.group),
      ];
    case 'directory':
      return [`mkdir -p ${shq(action.path)}`, ...ownership(action.path, action.mode, action.owner, action.group)];
    case 'unpack': {
      const command = unpackCommand(action);
      if ('error' in command) return [`# cannot unpack ${action.archive}: ${command.error}`];
      return [...(action.optional ? [`# only when ${action.archive} is there:`] : []), ...command.lines];
    }
    case 'packages':
      return ['apt-get update', `apt-get -y install ${action.names.map(shq).join(' ')}`];
    case 'unit':
      return unitLines(action.unit, action.enabled, action.state, action.noBlock === true);
    case 'generate':
      return [`# kthw generates on your machine: ${action.generator} (${action.items.join(', ')})`];
  }
}

export function stepLines(step: Step): string[] {
  return step.actions.flatMap(actionLines);
}

function ownership(path: string, mode: string, owner?: string, group?: string): string[] {
  const lines = [`chmod ${mode} ${shq(path)}`];
  if (owner !== undefined || group !== undefined) lines.push(`chown ${shq(`${owner ?? ''}${group === undefined ? '' : `:${group}`}`)} ${shq(path)}`);
  return lines;
}

function unitLines(unit: string, enabled: boolean, state: 'started' | 'stopped', noBlock: boolean): string[] {
  const lines = ['systemctl daemon-reload'];
  if (enabled && state === 'started' && !noBlock) return [...lines, `systemctl enable --now ${shq(unit)}`];
  lines.push(`systemctl ${enabled ? 'enable' : 'disable'} ${shq(unit)}`);
  lines.push(`systemctl ${state === 'started' ? (noBlock ? 'start --no-block' : 'start') : 'stop'} ${shq(unit)}`);
  return lines;
}

/** A here-document delimiter that does not occur as a line of the content. */
function hereDocMarker(content: string): string {
  const lines = new Set(content.split('\n'));
  let marker = 'EOF';
  for (let i = 1; lines.has(marker); i++) marker = `EOF${i}`;
  return marker;
}
