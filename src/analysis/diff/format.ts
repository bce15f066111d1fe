// The diff as text for a terminal or a CI log: one block per change, most lingering first.
import { durationText } from './diff';
import { AccessChange, DiffDirection, DiffResult, RemovedAccess } from './types';

/** The diff as plain text (no colours), ending with a one-line summary. */
export function formatDiffText(result: DiffResult): string {
  if (result.changes.length === 0) {
    return 'No security group or network ACL change removes access.\n';
  }
  const ordered = [...result.changes].sort((a, b) => lingerOrder(b) - lingerOrder(a));
  const lines: string[] = [];
  for (const change of ordered) {
    const verdict = change.tracked
      ? `established connections linger up to ${durationText(change.lingerSeconds)}`
      : 'cut at once';
    lines.push(`${change.stackName} ${change.logicalId} (${change.resourceType}) ${change.direction}: ${verdict}`);
    for (const removed of change.removed) {
      const linger = change.tracked ? ` - lingers ${durationText(removed.lingerSeconds)}` : '';
      lines.push(`  - ${removedAccessText(change.direction, removed)}${linger}`);
    }
    lines.push(`  ${change.message}`);
    if (change.cutOff?.code !== undefined) {
      lines.push(`  cut off now: ${change.cutOff.code}`);
    }
    for (const unknown of change.unknown ?? []) {
      lines.push(`  cannot verify: ${unknown}`);
    }
    lines.push('');
  }
  const lingering = result.changes.filter((c) => c.tracked);
  const longest = Math.max(0, ...lingering.map((c) => c.lingerSeconds ?? 0));
  lines.push(`${result.changes.length} change${result.changes.length === 1 ? '' : 's'} remove access: `
    + `${lingering.length} leave established connections up${lingering.length > 0 ? ` (longest ${durationText(longest)})` : ''}, `
    + `${result.changes.length - lingering.length} cut at once.`);
  return `${lines.join('\n')}\n`;
}

/** `tcp 22 from 198.51.100.7/32`, `all to 0.0.0.0/0`: one piece of removed access as a line of text. */
export function removedAccessText(direction: DiffDirection, removed: RemovedAccess): string {
  const ports = removed.ports === 'all' ? '' : ` ${removed.ports}`;
  const unknown = removed.unknown ? ` (unknown at synth: ${removed.unknown})` : '';
  return `${removed.protocol}${ports} ${direction === 'ingress' ? 'from' : 'to'} ${removed.peer}${unknown}`;
}

/** A change leaves connections up when they are tracked for a time above zero, or for a time EC2 does not document. */
export function lingers(change: AccessChange): boolean {
  return change.lingerSeconds === null || change.lingerSeconds > 0;
}

function lingerOrder(change: AccessChange): number {
  return change.tracked ? (change.lingerSeconds ?? 1) : 0;
}
