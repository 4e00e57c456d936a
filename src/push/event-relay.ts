import type { BuildEvent, EventSink, RunCounts } from '../run/events.js';

/** A sink that holds back the run's `done` so pushes can report first; `release` sends it with their counts. */
export interface HeldDone {
  sink: EventSink;
  /** Emits the held `done` (if any) with `counts` merged in and the time spent since added. */
  release(counts?: Partial<RunCounts>): void;
}

/** Wraps a sink so that `done` waits for `release`. */
export function holdDone(sink: EventSink, clock: () => number = Date.now): HeldDone {
  let held: (BuildEvent & { type: 'done' }) | undefined;
  return {
    sink: {
      emit(event) {
        if (event.type === 'done') held = event;
        else sink.emit(event);
      },
    },
    release(counts = {}) {
      if (held === undefined) return;
      const now = clock();
      sink.emit({ ...held, time: now, durationMs: held.durationMs + (now - held.time), counts: { ...held.counts, ...counts } });
      held = undefined;
    },
  };
}
