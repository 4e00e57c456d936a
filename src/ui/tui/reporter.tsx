/**
 * The Ink reporter. emit() only queues the event and marks the frame dirty (O(1)); a timer at a
 * bounded frame rate reduces the queue into the one store and re-renders when something changed,
 * so rendering never slows the scheduler.
 */
import type { ReactElement } from 'react';
import { render, type Instance } from 'ink';
import type { BuildEvent, EventSink } from '../../run/events.js';
import { initialState, reduceAll, type RunState } from '../store.js';
import { isCompact } from './layout.js';
import { RunView } from './run-view.js';
import { Settler } from './settle.js';

/** An output stream, possibly a terminal. */
export type TerminalStream = NodeJS.WritableStream & { isTTY?: boolean; columns?: number; rows?: number };

// Ink types its streams as tty.WriteStream but only writes, reads the size and listens for
// 'resize', so any writable with those optional fields will do.
const asInkStream = (stream: TerminalStream): NodeJS.WriteStream => stream as NodeJS.WriteStream;

/** Options of {@link createTuiReporter}. */
export interface TuiReporterOptions {
  stdout?: TerminalStream;
  stdin?: NodeJS.ReadStream;
  stderr?: TerminalStream;
  /** Width to render at; default: the terminal's, following resizes. */
  columns?: number;
  /** Height to fit in; default: the terminal's. */
  rows?: number;
  /** No ANSI color or style at all. */
  noColor?: boolean;
  /** Frame rate cap; default 12. */
  fps?: number;
  /** The clock for elapsed times and the spinner (a test seam). */
  now?: () => number;
}

const DEFAULT_COLUMNS = 80;
const DEFAULT_ROWS = 24;

/** Creates the live terminal reporter. Await close() before writing anything else to stdout. */
export function createTuiReporter(options: TuiReporterOptions = {}): EventSink & { close(): Promise<void> } {
  const stdout = options.stdout ?? process.stdout;
  const now = options.now ?? Date.now;
  const fps = Math.min(60, Math.max(1, options.fps ?? 12));
  const settler = new Settler();
  let state: RunState = initialState();
  let queue: BuildEvent[] = [];
  let dirty = true;
  let closed = false;
  // The compact decision is taken once per round: <Static> cannot take printed lines back.
  let compactRound: { round: number | undefined; planned: number; compact: boolean } | undefined;

  const size = (): { columns: number; rows: number } => ({
    columns: options.columns ?? (stdout.columns || DEFAULT_COLUMNS),
    rows: options.rows ?? (stdout.rows || DEFAULT_ROWS),
  });

  const view = (): ReactElement => {
    if (queue.length > 0) {
      state = reduceAll(state, queue);
      queue = [];
    }
    const { columns, rows } = size();
    if (compactRound === undefined || compactRound.round !== state.round || compactRound.planned !== state.order.length) {
      compactRound = { round: state.round, planned: state.order.length, compact: isCompact(state.order.length, rows) };
    }
    const settled = settler.update(state, { compact: compactRound.compact });
    return (
      <RunView state={state} settled={settled} columns={columns} rows={rows} compact={compactRound.compact} now={now()} noColor={options.noColor ?? false} />
    );
  };

  const instance: Instance = render(view(), {
    stdout: asInkStream(stdout),
    ...(options.stdin === undefined ? {} : { stdin: options.stdin }),
    ...(options.stderr === undefined ? {} : { stderr: asInkStream(options.stderr) }),
    exitOnCtrlC: false,
    patchConsole: false,
    maxFps: fps,
  });
  dirty = false;

  const frame = (): void => {
    const building = state.order.some((name) => state.rows[name]?.state === 'building');
    // Building rows animate (spinner, elapsed time) even without new events.
    if (!dirty && !building) return;
    dirty = false;
    instance.rerender(view());
  };
  const timer = setInterval(frame, Math.round(1000 / fps));
  timer.unref();
  const onResize = (): void => {
    dirty = true;
  };
  stdout.on('resize', onResize);

  return {
    emit(event) {
      if (closed) return;
      queue.push(event);
      dirty = true;
    },
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      stdout.off('resize', onResize);
      instance.rerender(view());
      instance.unmount();
      await instance.waitUntilExit();
    },
  };
}
