/**
 * The one store every reporter reads: BuildEvents reduced into per-image rows, counts, the round
 * and the run summary. Pure: `reduce` never mutates its input state.
 */
import type { BuildEvent, RebuildReason, RunCounts } from '../run/events.js';
import { unreachable } from '../util/unreachable.js';
import { formatReasons, formatStep } from './format.js';

/** What an image is doing now. `waiting`: its dependencies are not done yet. */
export type RowState = 'waiting' | 'queued' | 'building' | 'cached' | 'built' | 'failed' | 'skipped' | 'pushed';

/** States after which an image does no more work in this round (pushing aside). */
export const FINISHED_STATES: ReadonlySet<RowState> = new Set(['cached', 'built', 'failed', 'skipped', 'pushed']);

/** How many log lines each row keeps. */
export const LOG_TAIL = 10;

/** One image of the current round. */
export interface ImageRow {
  name: string;
  state: RowState;
  dependsOn: readonly string[];
  key?: string;
  /** The current (or failing) step, e.g. `[3/7] RUN npm ci`. */
  step?: string;
  startedAt?: number;
  finishedAt?: number;
  /** Build time: from `built`, or start → failure. */
  durationMs?: number;
  /** Why it is built (`file src/a.js changed`) or skipped (`dependency api failed`). */
  reason?: string;
  reasons: readonly RebuildReason[];
  /** The last LOG_TAIL log lines. */
  logs: readonly string[];
  error?: string;
  hint?: string;
  /** The image id once built or found cached. */
  id?: string;
  cacheSource?: 'local' | 'registry';
  /** How the image came to be, kept when its state moves on to `pushed`. */
  outcome?: 'built' | 'cached';
  pushedTags: readonly string[];
}

/** A tag that reached the registry, in arrival order. */
export interface PushRecord {
  image: string;
  tag: string;
  digest: string;
}

/** The `done` event's numbers. */
export interface RunSummary {
  round?: number;
  counts: RunCounts;
  durationMs: number;
  /** Build time the cache saved. */
  savedMs: number;
  interrupted: boolean;
}

/** Everything a reporter renders. */
export interface RunState {
  /** Watch-mode round (from 1); undefined for a single run. */
  round?: number;
  startedAt?: number;
  /** Image names in plan order. */
  order: readonly string[];
  rows: Readonly<Record<string, ImageRow>>;
  /** Names in the order they finished this round. */
  finished: readonly string[];
  pushes: readonly PushRecord[];
  /** Set by `done`; cleared by the next round's `plan`. */
  summary?: RunSummary;
  /** Every round summary so far, oldest first (watch mode keeps a history). */
  history: readonly RunSummary[];
}

/** The state before any event. */
export function initialState(): RunState {
  return { order: [], rows: {}, finished: [], pushes: [], history: [] };
}

/** Applies one event. */
export function reduce(state: RunState, event: BuildEvent): RunState {
  return reduceAll(state, [event]);
}

/**
 * Applies a batch of events, copying the state's containers once per batch rather than once per
 * event, so a reporter can queue events in O(1) and reduce them once per frame.
 */
export function reduceAll(state: RunState, events: readonly BuildEvent[]): RunState {
  const draft: Draft = {
    ...state,
    order: [...state.order],
    rows: { ...state.rows },
    finished: [...state.finished],
    pushes: [...state.pushes],
    history: [...state.history],
  };
  for (const event of events) apply(draft, event);
  return draft;
}

type Draft = RunState & { order: string[]; rows: Record<string, ImageRow>; finished: string[]; pushes: PushRecord[]; history: RunSummary[] };

function apply(draft: Draft, event: BuildEvent): void {
  switch (event.type) {
    case 'plan': {
      const names = new Set(event.images.map((image) => image.name));
      draft.round = event.round;
      draft.startedAt = event.time;
      draft.summary = undefined;
      draft.order = event.images.map((image) => image.name);
      draft.rows = {};
      draft.finished = [];
      draft.pushes = [];
      for (const image of event.images) {
        const hasPlannedDeps = image.dependsOn.some((dep) => names.has(dep));
        draft.rows[image.name] = {
          ...emptyRow(image.name),
          state: hasPlannedDeps ? 'waiting' : 'queued',
          dependsOn: image.dependsOn.filter((dep) => names.has(dep)),
          key: image.key,
          reasons: image.reasons,
          reason: image.reasons.length > 0 ? formatReasons(image.reasons) : undefined,
        };
      }
      return;
    }
    case 'queued':
      update(draft, event.image, (row) => (row.state === 'waiting' ? { state: 'queued' } : {}));
      return;
    case 'start':
      update(draft, event.image, () => ({
        state: 'building',
        startedAt: event.time,
        key: event.key,
        reasons: event.reasons,
        reason: event.reasons.length > 0 ? formatReasons(event.reasons) : undefined,
        step: undefined,
        logs: [],
      }));
      return;
    case 'step':
      // A finished step only names the current step if no start was seen for it.
      update(draft, event.image, (row) => (event.completed && row.step !== undefined ? {} : { step: formatStep(event) }));
      return;
    case 'log':
      update(draft, event.image, (row) => ({ logs: appendTail(row.logs, [event.line]) }));
      return;
    case 'cached':
      finish(draft, event.image, { state: 'cached', outcome: 'cached', id: event.id, key: event.key, cacheSource: event.source, finishedAt: event.time });
      return;
    case 'built':
      finish(draft, event.image, { state: 'built', outcome: 'built', id: event.id, key: event.key, durationMs: event.durationMs, finishedAt: event.time });
      return;
    case 'failed': {
      const startedAt = draft.rows[event.image]?.startedAt;
      finish(draft, event.image, {
        state: 'failed',
        error: event.error,
        hint: event.hint,
        finishedAt: event.time,
        durationMs: startedAt === undefined ? undefined : event.time - startedAt,
        ...(event.step === undefined ? {} : { step: event.step }),
        ...(event.logs.length > 0 ? { logs: event.logs.slice(-LOG_TAIL) } : {}),
      });
      return;
    }
    case 'skipped':
      finish(draft, event.image, { state: 'skipped', reason: event.reason, finishedAt: event.time });
      return;
    case 'pushed':
      draft.pushes.push({ image: event.image, tag: event.tag, digest: event.digest });
      update(draft, event.image, (row) => ({ state: 'pushed', pushedTags: [...row.pushedTags, event.tag] }));
      return;
    case 'done': {
      const summary: RunSummary = {
        round: event.round,
        counts: event.counts,
        durationMs: event.durationMs,
        savedMs: event.savedMs,
        interrupted: event.interrupted ?? false,
      };
      draft.summary = summary;
      draft.history.push(summary);
      return;
    }
    default:
      unreachable(event);
  }
}

function emptyRow(name: string): ImageRow {
  return { name, state: 'waiting', dependsOn: [], reasons: [], logs: [], pushedTags: [] };
}

/** Replaces a row; an image the plan did not list gets a row of its own rather than being lost. */
function update(draft: Draft, name: string, change: (row: ImageRow) => Partial<ImageRow>): void {
  let row = draft.rows[name];
  if (row === undefined) {
    row = emptyRow(name);
    draft.order.push(name);
  }
  draft.rows[name] = { ...row, ...change(row) };
}

function finish(draft: Draft, name: string, change: Partial<ImageRow>): void {
  const before = draft.rows[name]?.state;
  update(draft, name, () => change);
  if (before === undefined || !FINISHED_STATES.has(before)) draft.finished.push(name);
}

function appendTail(lines: readonly string[], more: readonly string[]): string[] {
  return [...lines, ...more].slice(-LOG_TAIL);
}

/** Rows per state plus the total, for headers and collapsed summaries. */
export type StateCounts = Record<RowState, number> & { total: number; finished: number };

/** Counts the current round's rows by state. */
export function countStates(state: RunState): StateCounts {
  const counts: StateCounts = { waiting: 0, queued: 0, building: 0, cached: 0, built: 0, failed: 0, skipped: 0, pushed: 0, total: 0, finished: 0 };
  for (const name of state.order) {
    const row = state.rows[name];
    if (row === undefined) continue;
    counts[row.state] += 1;
    counts.total += 1;
    if (FINISHED_STATES.has(row.state)) counts.finished += 1;
  }
  return counts;
}
