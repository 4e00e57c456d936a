import { unreachable } from '../util/unreachable.js';
import type { AppliedAction } from './apply.js';
import type { ImagePlan, KeyLocation, TagPlan } from './plan.js';

/** `sha256:0123456789ab`: enough of a digest to tell two apart in a table; `-` where it was not read. */
function short(digest: string | null | undefined): string {
  if (digest === null) return '-';
  return digest === undefined ? '' : digest.slice(0, 'sha256:'.length + 12);
}

/** Where the key is, in words, with what applying it takes. */
export function describeKeyLocation(location: KeyLocation): string {
  switch (location.kind) {
    case 'registry':
      return `in the registry (${short(location.digest)})`;
    case 'other-repository':
      return `in ${location.repository} (mount, no upload)`;
    case 'local':
      return 'only in the local engine (push)';
    case 'nowhere':
      return 'nowhere (build, then push)';
    default:
      return unreachable(location);
  }
}

function digestColumn(tag: TagPlan, location: KeyLocation): string {
  const pending = location.kind === 'nowhere' ? '(after build)' : '(after push)';
  switch (tag.action) {
    case 'ok':
      return short(tag.current);
    case 'create':
      return tag.wanted === undefined ? pending : short(tag.wanted);
    case 'move':
      return `${short(tag.current)} → ${tag.wanted === undefined ? pending : short(tag.wanted)}`;
    case 'extra':
      return `${short(tag.current)}${tag.prunable ? '  (--prune deletes it)' : ''}`;
    default:
      return unreachable(tag.action);
  }
}

/** The plan as a table: one row per tag, a key line per image, and the counts. */
export function renderPlan(plans: readonly ImagePlan[]): string {
  const rows: string[][] = [['IMAGE', 'REPOSITORY', 'TAG', 'ACTION', 'DIGEST']];
  for (const plan of plans) {
    for (const tag of plan.tags) rows.push([plan.image, plan.repository, tag.tag, tag.action, digestColumn(tag, plan.keyLocation)]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const lines = rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd());
  for (const plan of plans) lines.push(`${plan.image}: key ${plan.key.slice(0, 12)} ${describeKeyLocation(plan.keyLocation)}`);
  const counts = new Map<string, number>();
  for (const tag of plans.flatMap((p) => p.tags)) counts.set(tag.action, (counts.get(tag.action) ?? 0) + 1);
  lines.push(['ok', 'create', 'move', 'extra'].map((a) => `${counts.get(a) ?? 0} ${a}`).join(', '));
  return `${lines.join('\n')}\n`;
}

/** What `--apply` did, one line each, and a total. */
export function renderApplied(actions: readonly AppliedAction[]): string {
  if (actions.length === 0) return 'applied: nothing to do\n';
  const lines = actions.map((a) => {
    const what = a.tag === undefined ? '' : ` ${a.tag}`;
    const from = a.from === undefined ? '' : ` from ${a.from}`;
    return `${a.image}: ${a.action}${what}${from}${a.digest ? ` ${short(a.digest)}` : ''}`;
  });
  const counts = new Map<string, number>();
  for (const a of actions) counts.set(a.action, (counts.get(a.action) ?? 0) + 1);
  lines.push(`applied: ${[...counts].map(([k, n]) => `${n} ${k}`).join(', ')}`);
  return `${lines.join('\n')}\n`;
}
