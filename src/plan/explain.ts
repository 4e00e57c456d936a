import type { RebuildReason } from '../run/events.js';
import type { KeyRecord } from './key-record.js';

/** File reasons listed one by one before the rest are summed up. */
const MAX_FILES = 5;

/**
 * Why `current` has a different key than `previous`: the user-facing answer to "why does it
 * rebuild". Empty when the keys are equal. Reasons come in a fixed order: Dockerfile, files,
 * args, options, dependencies, base images.
 */
export function explainRebuild(previous: KeyRecord | undefined, current: KeyRecord): RebuildReason[] {
  if (!previous) return [{ kind: 'new', detail: 'new' }];
  if (previous.key === current.key) return [];
  const reasons: RebuildReason[] = [];
  if (previous.dockerfileHash !== current.dockerfileHash) reasons.push({ kind: 'dockerfile', detail: 'dockerfile changed' });
  reasons.push(...fileReasons(previous.files, current.files));
  for (const name of changedKeys(previous.args, current.args)) {
    reasons.push({ kind: 'arg', detail: `arg ${name}: ${show(previous.args[name])} → ${show(current.args[name])}` });
  }
  for (const option of ['target', 'platform', 'builder'] as const) {
    if (previous[option] !== current[option]) {
      reasons.push({ kind: 'option', detail: `${option} changed: ${show(previous[option])} → ${show(current[option])}` });
    }
  }
  for (const name of changedKeys(previous.dependencies, current.dependencies)) {
    reasons.push({ kind: 'dependency', detail: `dependency ${name} changed` });
  }
  for (const ref of changedKeys(previous.baseImages, current.baseImages)) {
    reasons.push({ kind: 'base', detail: `base image ${ref} changed` });
  }
  // Same inputs, other key: the key schema (a kiln upgrade) is the only thing left.
  if (reasons.length === 0) reasons.push({ kind: 'option', detail: 'cache key format changed (kiln upgrade)' });
  return reasons;
}

function fileReasons(previous: Record<string, string>, current: Record<string, string>): RebuildReason[] {
  const details: string[] = [];
  const changed = changedKeys(previous, current);
  for (const file of changed) {
    const before = Object.hasOwn(previous, file) ? previous[file] : undefined;
    const now = Object.hasOwn(current, file) ? current[file] : undefined;
    // A folder added or removed with files in it is told by its files.
    const folder = (before ?? now)!.startsWith('directory:') && (before === undefined || now === undefined);
    if (folder && changed.some((other) => other.startsWith(`${file}/`))) continue;
    const change = before === undefined ? 'added' : now === undefined ? 'removed' : entryChange(before, now);
    if (change !== undefined) details.push(`${folder ? 'folder' : 'file'} ${file} ${change}`);
  }
  const reasons: RebuildReason[] = details.slice(0, MAX_FILES).map((detail) => ({ kind: 'file', detail }));
  const rest = details.length - MAX_FILES;
  if (rest > 0) reasons.push({ kind: 'file', detail: `and ${rest} more ${rest === 1 ? 'file' : 'files'}` });
  return reasons;
}

/**
 * How one context entry changed, from its fingerprints (`type:mode:hash`, see hashContext); a
 * record written before fingerprints holds the content hash alone, which is all it can compare.
 */
function entryChange(before: string, now: string): string | undefined {
  const a = fingerprintParts(before);
  const b = fingerprintParts(now);
  if (a.type === undefined || b.type === undefined) return a.hash === b.hash ? undefined : 'changed';
  if (a.type !== b.type) return `changed from ${a.type} to ${b.type}`;
  if (a.hash === b.hash) return `mode changed ${a.mode} → ${b.mode}`;
  return a.mode === b.mode ? 'changed' : `changed (mode ${a.mode} → ${b.mode})`;
}

function fingerprintParts(value: string): { type?: string; mode?: string; hash: string } {
  const parts = value.split(':');
  return parts.length === 3 ? { type: parts[0]!, mode: parts[1]!, hash: parts[2]! } : { hash: value };
}

/** Keys whose values differ (or exist on one side only), in sorted order. */
function changedKeys(previous: Record<string, string>, current: Record<string, string>): string[] {
  const names = new Set([...Object.keys(previous), ...Object.keys(current)]);
  return [...names].filter((name) => previous[name] !== current[name]).sort(byCodePoint);
}

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function show(value: string | undefined): string {
  return value === undefined ? '(unset)' : JSON.stringify(value);
}
