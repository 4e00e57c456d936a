// The lines `kiln prune` prints: what is (or would be) removed, untagged, and kept, each with why.
import { unreachable } from '../util/unreachable.js';
import { humanSize } from './go-format.js';
import type { KeepReason, KeptImage, PruneCandidate, PrunePlan } from './prune.js';

/** One line per candidate: short ID, manifest image, key, the tags removed, what stays, size, why. */
export function describeCandidate(c: PruneCandidate): string {
  const tags = c.untag.length > 0 ? `untag ${c.untag.join(', ')}` : '<untagged>';
  const stays = c.foreign.length > 0 ? `  keeps ${c.foreign.join(', ')}` : '';
  return `${c.id.slice(7, 19)}  ${c.image}  key ${c.key.slice(0, 12)}  ${tags}${stays}  ${humanSize(c.size)}  (${c.reason})`;
}

/** Why an image is kept, in words. */
export function keepReasonText(why: KeepReason): string {
  switch (why) {
    case 'in-use':
      return 'in use by a container';
    case 'only-foreign-tags':
      return 'it carries only tags kiln did not make';
    case 'current-tag':
      return 'it carries a tag the manifest makes now; kiln build moves it to the current build';
    case 'unproven-repository':
      return 'built by an older kiln without the dev.kiln.repository label, and no tag shows it is this manifest\'s';
    default:
      return unreachable(why);
  }
}

/** One line per kept image. */
export function describeKept(k: KeptImage): string {
  const tags = k.repoTags.length > 0 ? k.repoTags.join(', ') : '<untagged>';
  return `${k.id.slice(7, 19)}  ${k.image}  key ${k.key.slice(0, 12)}  ${tags}  (kept: ${keepReasonText(k.why)})`;
}

/** `--dry-run`: exactly what would be removed, untagged (the image staying) and kept. */
export function renderDryRun(plan: PrunePlan): string {
  const remove = plan.candidates.filter((c) => c.action === 'remove');
  const untag = plan.candidates.filter((c) => c.action === 'untag');
  const out: string[] = [];
  if (plan.candidates.length === 0) out.push('Nothing to prune.');
  const section = (title: string, lines: string[]): void => {
    if (lines.length > 0) out.push(title, ...lines.map((line) => `  ${line}`));
  };
  section('Would remove:', remove.map(describeCandidate));
  section('Would untag (the image stays for its other tags):', untag.map(describeCandidate));
  section('Would keep:', plan.kept.map(describeKept));
  if (plan.candidates.length > 0) out.push('', `Would reclaim: ${humanSize(remove.reduce((n, c) => n + c.size, 0))}`);
  return `${out.join('\n')}\n`;
}
