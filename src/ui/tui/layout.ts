/** Fits the live area into the terminal: which rows show, which collapse into counts. */
import { countStates, type ImageRow, type RowState, type RunState, type StateCounts } from '../store.js';

/** Lines the live area needs besides rows: header, summary, a spare so Ink never fills the screen. */
const CHROME_LINES = 4;

/** Whether a round has too many images to print one settled line per image. */
export function isCompact(imageCount: number, terminalRows: number): boolean {
  return imageCount + CHROME_LINES > terminalRows;
}

/** What the live area shows. */
export interface LiveLayout {
  counts: StateCounts;
  /** Finished states collapsed into one line each (compact rounds only), e.g. `✔ 180 cached`. */
  collapsed: { state: RowState; count: number }[];
  /** Unfinished rows that fit: building first, then queued, then waiting. */
  rows: ImageRow[];
  /** Unfinished rows that did not fit, per state. */
  hidden: { state: RowState; count: number }[];
}

const LIVE_ORDER: RowState[] = ['building', 'queued', 'waiting'];
const COLLAPSE_ORDER: RowState[] = ['cached', 'built', 'pushed', 'skipped', 'failed'];

/** Lays out the live area of `state` for a terminal `terminalRows` high. */
export function layoutLive(state: RunState, options: { terminalRows: number; compact: boolean }): LiveLayout {
  const counts = countStates(state);
  const collapsed = options.compact
    ? COLLAPSE_ORDER.filter((s) => counts[s] > 0).map((s) => ({ state: s, count: counts[s] }))
    : [];
  const live: ImageRow[] = [];
  for (const wanted of LIVE_ORDER) {
    for (const name of state.order) {
      const row = state.rows[name];
      if (row?.state === wanted) live.push(row);
    }
  }
  const budget = Math.max(1, options.terminalRows - CHROME_LINES - collapsed.length);
  if (live.length <= budget) return { counts, collapsed, rows: live, hidden: [] };
  // One line goes to the `… N more` note.
  const shown = live.slice(0, Math.max(0, budget - 1));
  const hiddenCounts = new Map<RowState, number>();
  for (const row of live.slice(shown.length)) hiddenCounts.set(row.state, (hiddenCounts.get(row.state) ?? 0) + 1);
  return { counts, collapsed, rows: shown, hidden: [...hiddenCounts].map(([s, count]) => ({ state: s, count })) };
}
