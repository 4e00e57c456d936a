import { describe, expect, test } from 'vitest';
import type { BuildEvent } from '../../src/run/events.js';
import { countStates, initialState, LOG_TAIL, reduce, reduceAll } from '../../src/ui/store.js';
import { fullRun, planEvent, T0 } from './fixtures.js';

const run = (events: BuildEvent[]) => reduceAll(initialState(), events);

describe('reduce', () => {
  test('plan: rows in plan order, waiting on planned dependencies, queued otherwise', () => {
    const state = run([planEvent()]);
    expect(state.order).toEqual(['base', 'api', 'web', 'worker', 'docs']);
    expect(state.rows['base']?.state).toBe('queued');
    expect(state.rows['api']?.state).toBe('waiting');
    expect(state.rows['api']?.dependsOn).toEqual(['base']);
    expect(state.rows['api']?.reason).toBe('file src/server.js changed');
    expect(state.startedAt).toBe(T0);
    expect(state.round).toBeUndefined();
  });

  test('a whole run: states, steps, durations, pushes, summary', () => {
    const state = run(fullRun());
    const rows = state.rows;
    expect(rows['base']).toMatchObject({ state: 'cached', cacheSource: 'local', outcome: 'cached', finishedAt: T0 + 10 });
    expect(rows['worker']).toMatchObject({ state: 'cached', cacheSource: 'registry' });
    expect(rows['api']).toMatchObject({
      state: 'pushed',
      outcome: 'built',
      step: '[2/5] RUN npm ci',
      startedAt: T0 + 40,
      durationMs: 3200,
      id: 'sha256:abcd1234abcd5678ef',
      pushedTags: ['127.0.0.1:5000/api:latest'],
      logs: ['added 120 packages'],
    });
    expect(rows['web']).toMatchObject({
      state: 'failed',
      error: 'RUN make exited with code 2',
      hint: 'fix main.c',
      step: '[3/4] RUN make',
      durationMs: 5420 - 3320,
      logs: ['cc -o app main.c', 'main.c:3: error: expected ;'],
    });
    expect(rows['docs']).toMatchObject({ state: 'skipped', reason: 'dependency web failed' });
    expect(state.finished).toEqual(['base', 'worker', 'api', 'web', 'docs']);
    expect(state.pushes).toEqual([{ image: 'api', tag: '127.0.0.1:5000/api:latest', digest: 'sha256:0123456789abcdef' }]);
    expect(state.summary).toEqual({ counts: { built: 1, cached: 2, failed: 1, skipped: 1, pushed: 1 }, durationMs: 12_400, savedMs: 40_000, interrupted: false });
    expect(countStates(state)).toMatchObject({ cached: 2, pushed: 1, failed: 1, skipped: 1, total: 5, finished: 5 });
  });

  test('does not mutate the state it is given', () => {
    const before = run([planEvent()]);
    const snapshot = structuredClone(before);
    reduce(before, { type: 'start', image: 'base', key: 'k', reasons: [], time: T0 + 1 });
    expect(before).toEqual(snapshot);
  });

  test('keeps the last LOG_TAIL log lines; failed logs replace the tail when given', () => {
    let state = run([planEvent(), { type: 'start', image: 'base', key: 'k', reasons: [], time: T0 }]);
    for (let i = 0; i < 25; i++) state = reduce(state, { type: 'log', image: 'base', line: `line ${i}`, time: T0 + i });
    expect(state.rows['base']?.logs).toHaveLength(LOG_TAIL);
    expect(state.rows['base']?.logs.at(-1)).toBe('line 24');
    state = reduce(state, { type: 'failed', image: 'base', error: 'boom', logs: ['the real reason'], time: T0 + 30 });
    expect(state.rows['base']?.logs).toEqual(['the real reason']);
  });

  test('a completed step does not replace the current step; a started one does', () => {
    const state = run([
      planEvent(),
      { type: 'start', image: 'base', key: 'k', reasons: [], time: T0 },
      { type: 'step', image: 'base', name: 'RUN a', index: 2, total: 3, time: T0 },
      { type: 'step', image: 'base', name: 'COPY . .', index: 1, total: 3, completed: true, cached: true, time: T0 },
    ]);
    expect(state.rows['base']?.step).toBe('[2/3] RUN a');
  });

  test('queued never moves a row backwards', () => {
    const state = run([planEvent(), { type: 'start', image: 'base', key: 'k', reasons: [], time: T0 }, { type: 'queued', image: 'base', time: T0 }]);
    expect(state.rows['base']?.state).toBe('building');
  });

  test('an image missing from the plan still gets a row', () => {
    const state = run([planEvent(), { type: 'skipped', image: 'ghost', reason: 'interrupted', time: T0 }]);
    expect(state.order.at(-1)).toBe('ghost');
    expect(state.rows['ghost']?.state).toBe('skipped');
  });

  test('watch mode: a new plan starts a new round, resets rows, keeps the summary history', () => {
    const state = run([...fullRun(1), planEvent(2)]);
    expect(state.round).toBe(2);
    expect(state.summary).toBeUndefined();
    expect(state.finished).toEqual([]);
    expect(state.pushes).toEqual([]);
    expect(state.rows['web']?.state).toBe('waiting');
    expect(state.history.map((summary) => summary.round)).toEqual([1]);
  });
});
