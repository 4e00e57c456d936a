/**
 * Decides what moves into Ink's <Static> region: finished rows, pushed tags, past round summaries.
 * <Static> prints each item once and never again, so the list only grows, across rounds too.
 */
import { FINISHED_STATES, type ImageRow, type PushRecord, type RunState, type RunSummary } from '../store.js';

/** One permanent line group above the live area. */
export type SettledItem =
  | { kind: 'row'; key: string; row: ImageRow }
  | { kind: 'push'; key: string; push: PushRecord }
  | { kind: 'summary'; key: string; summary: RunSummary };

/** Tracks what has been settled so far; `compact` rounds settle only failures. */
export class Settler {
  #items: SettledItem[] = [];
  #keys = new Set<string>();
  #pushes = 0;
  #pushRound: number | undefined;
  #summaries = 0;

  /** The items after taking in `state`; a new array only when something was added. */
  update(state: RunState, options: { compact: boolean }): readonly SettledItem[] {
    const added: SettledItem[] = [];
    const round = state.round ?? 0;
    // Summaries of rounds before the current one (the current one shows live until the next plan).
    for (; this.#summaries < state.history.length; this.#summaries++) {
      const summary = state.history[this.#summaries];
      if (summary === undefined || (summary.round ?? 0) >= round) break;
      added.push({ kind: 'summary', key: `summary:${this.#summaries}`, summary });
    }
    for (const name of state.finished) {
      const row = state.rows[name];
      const key = `${round}:${name}`;
      if (row === undefined || this.#keys.has(key) || !FINISHED_STATES.has(row.state)) continue;
      if (options.compact && row.state !== 'failed') continue;
      this.#keys.add(key);
      // A row settles as it stands; a later push adds its own line.
      added.push({ kind: 'row', key, row: row.state === 'pushed' ? { ...row, state: row.outcome ?? 'built' } : row });
    }
    if (this.#pushRound !== round) {
      this.#pushRound = round;
      this.#pushes = 0;
    }
    for (; this.#pushes < state.pushes.length; this.#pushes++) {
      const push = state.pushes[this.#pushes];
      if (push === undefined || options.compact) continue;
      added.push({ kind: 'push', key: `${round}:push:${this.#pushes}`, push });
    }
    if (added.length > 0) this.#items = [...this.#items, ...added];
    return this.#items;
  }
}
