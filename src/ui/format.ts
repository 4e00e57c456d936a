/** Text shared by every reporter: durations, short ids, reasons, the run summary line. */
import type { RebuildReason, RunCounts } from '../run/events.js';
import type { RunSummary } from './store.js';

/** `0.4s`, `3.2s`, `59.9s`, `1m 05s`, `1h 02m`. */
export function formatDuration(ms: number): string {
  const safe = Math.max(0, ms);
  if (safe < 60_000) return `${(safe / 1000).toFixed(1)}s`;
  const totalSeconds = Math.round(safe / 1000);
  const minutes = Math.floor(totalSeconds / 60);
  if (minutes < 60) return `${minutes}m ${String(totalSeconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}

/** A rough duration for estimates: `~40s`, `~2m 10s`. */
export function formatApproxDuration(ms: number): string {
  const seconds = Math.round(Math.max(0, ms) / 1000);
  if (seconds < 60) return `~${seconds}s`;
  return `~${Math.floor(seconds / 60)}m ${String(seconds % 60).padStart(2, '0')}s`;
}

/** `sha256:abcd…` → `sha256:abcd1234abcd` (12 hex digits, as docker shows ids). */
export function shortId(id: string): string {
  const colon = id.indexOf(':');
  return colon < 0 ? id.slice(0, 12) : `${id.slice(0, colon)}:${id.slice(colon + 1, colon + 13)}`;
}

/** A cache key's first 12 hex digits, without any algorithm prefix. */
export function shortKey(key: string): string {
  const colon = key.indexOf(':');
  return key.slice(colon + 1, colon + 13);
}

/** `file src/server.js changed; arg APP: a → b` (the kind is not repeated when the detail starts with it). */
export function formatReasons(reasons: readonly RebuildReason[]): string {
  return reasons
    .map(({ kind, detail }) => (detail === '' ? kind : detail.startsWith(kind) ? detail : `${kind} ${detail}`))
    .join('; ');
}

/**
 * `[3/7] RUN npm ci`, or `[build 3/7] RUN npm ci` for a named stage (the engine passes the stage
 * as a `[build] ` prefix of the name), or the bare name when the engine gave no position.
 */
export function formatStep(step: { name: string; index?: number; total?: number }): string {
  if (step.index === undefined) return step.name;
  const counter = step.total === undefined ? `${step.index}` : `${step.index}/${step.total}`;
  const staged = /^\[([^\]\s]+)\] (.*)$/s.exec(step.name);
  if (staged) return `[${staged[1]} ${counter}] ${staged[2]}`;
  return `[${counter}] ${step.name}`;
}

/** `3 built, 5 cached, 1 failed, 1 skipped` (pushed only when something was pushed). */
export function formatCounts(counts: RunCounts): string {
  const parts = [`${counts.built} built`, `${counts.cached} cached`, `${counts.failed} failed`, `${counts.skipped} skipped`];
  if (counts.pushed > 0) parts.push(`${counts.pushed} pushed`);
  return parts.join(', ');
}

/** `done: 3 built, 5 cached, 1 failed, 1 skipped in 12.4s (cache saved ~40s)`. */
export function formatSummary(summary: RunSummary): string {
  const head = summary.interrupted ? 'interrupted' : 'done';
  const saved = summary.savedMs > 0 ? ` (cache saved ${formatApproxDuration(summary.savedMs)})` : '';
  return `${head}: ${formatCounts(summary.counts)} in ${formatDuration(summary.durationMs)}${saved}`;
}
