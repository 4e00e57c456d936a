import { vi } from 'vitest';

// Ink colors through chalk, which decides at import whether to color; force it so the
// NO_COLOR test proves our switch, not a non-TTY test runner.
vi.hoisted(() => {
  process.env['FORCE_COLOR'] = '1';
});

import { afterEach, describe, expect, test } from 'vitest';
import { cleanup, render } from 'ink-testing-library';
import type { BuildEvent } from '../../src/run/events.js';
import { initialState, reduceAll, type ImageRow, type RowState } from '../../src/ui/store.js';
import { isCompact } from '../../src/ui/tui/layout.js';
import { RowView } from '../../src/ui/tui/row.js';
import { RunView } from '../../src/ui/tui/run-view.js';
import { Settler } from '../../src/ui/tui/settle.js';
import { fullRun, planned, T0 } from './fixtures.js';

const ANSI = /\x1b\[[0-9;]*m/g;
const plain = (text: string): string => text.replace(ANSI, '');

interface FrameOptions {
  columns?: number;
  rows?: number;
  now?: number;
  noColor?: boolean;
}

/** Renders the frame after `events`, settling as the reporter does (one Settler across rounds). */
function frame(events: BuildEvent[], options: FrameOptions = {}): string {
  const rows = options.rows ?? 40;
  const state = reduceAll(initialState(), events);
  const compact = isCompact(state.order.length, rows);
  const settled = new Settler().update(state, { compact });
  const view = (
    <RunView state={state} settled={settled} columns={options.columns ?? 100} rows={rows} compact={compact} now={options.now ?? T0 + 2_000} noColor={options.noColor ?? false} />
  );
  return render(view).lastFrame() ?? '';
}

afterEach(cleanup);

describe('rows', () => {
  const base: ImageRow = { name: 'api', state: 'waiting', dependsOn: ['base', 'lib'], reasons: [], logs: [], pushedTags: [] };
  const cases: [RowState, Partial<ImageRow>, string][] = [
    ['waiting', {}, '◦ api  waiting for base, lib'],
    ['queued', {}, '· api  queued'],
    ['building', { startedAt: T0, step: '[3/7] RUN npm ci' }, '⠸ api  12.3s  [3/7] RUN npm ci'],
    ['cached', { cacheSource: 'registry' }, '✔ api  cached in registry'],
    ['built', { durationMs: 3_200 }, '✔ api  built in 3.2s'],
    ['pushed', { pushedTags: ['r/api:1', 'r/api:latest'] }, '↑ api  pushed r/api:1, r/api:latest'],
    ['failed', { error: 'exit 2' }, '✖ api  failed: exit 2'],
    ['skipped', { reason: 'dependency base failed' }, '↷ api  skipped: dependency base failed'],
  ];
  test.each(cases)('%s', (state, extra, expected) => {
    const { lastFrame } = render(<RowView row={{ ...base, ...extra, state }} nameWidth={3} now={T0 + 12_300} />);
    expect(plain(lastFrame() ?? '')).toBe(expected);
  });

  test('the spinner and elapsed time follow the injected clock only', () => {
    const row: ImageRow = { ...base, state: 'building', startedAt: T0, step: 'RUN x' };
    const at = (now: number) => plain(render(<RowView row={row} nameWidth={3} now={now} />).lastFrame() ?? '');
    expect(at(T0 + 1_000)).toBe(at(T0 + 1_000));
    expect(at(T0 + 1_000)).not.toBe(at(T0 + 1_080));
    expect(at(T0 + 65_000)).toContain('1m 05s  RUN x');
  });
});

describe('frames', () => {
  test('mid-run: finished rows settle above the header; live rows below with step and elapsed', () => {
    const text = plain(frame(fullRun().slice(0, 7)));
    expect(text.split('\n')).toEqual([
      '✔ base    cached',
      '✔ worker  cached in registry',
      expect.stringMatching(/^▕█+░+▏ 2\/5  1 building · 2 waiting · 2 cached$/),
      expect.stringMatching(/^. api     2\.0s  \[2\/5\] RUN npm ci$/),
      '◦ web     waiting for api',
      '◦ docs    waiting for web',
    ]);
  });

  test('a failure shows its step, last log lines and hint under it; the summary ends the run', () => {
    const text = plain(frame(fullRun()));
    expect(text).toContain(
      [
        '✖ web     failed: RUN make exited with code 2',
        '    at [3/4] RUN make',
        '    │ cc -o app main.c',
        '    │ main.c:3: error: expected ;',
        '    hint: fix main.c',
      ].join('\n'),
    );
    expect(text).toContain('↑ api     pushed 127.0.0.1:5000/api:latest sha256:0123456789abcdef');
    expect(text.split('\n').at(-1)).toBe('✖ done: 1 built, 2 cached, 1 failed, 1 skipped, 1 pushed in 12.4s (cache saved ~40s)');
  });

  test('a clean run ends with a ✔ summary', () => {
    const events: BuildEvent[] = [
      { type: 'plan', time: T0, images: [planned('a')], order: [['a']] },
      { type: 'built', image: 'a', id: 'sha256:1', key: 'k', durationMs: 1_000, time: T0 + 1_000 },
      { type: 'done', counts: { built: 1, cached: 0, failed: 0, skipped: 0, pushed: 0 }, durationMs: 1_100, savedMs: 0, time: T0 + 1_100 },
    ];
    expect(plain(frame(events)).split('\n').at(-1)).toBe('✔ done: 1 built, 0 cached, 0 failed, 0 skipped in 1.1s');
  });

  test('narrow terminal (40 columns): every line cut with an ellipsis, never wrapped', () => {
    const wide = plain(frame(fullRun(), { columns: 120 }));
    const narrow = plain(frame(fullRun(), { columns: 40 }));
    expect(narrow.split('\n')).toHaveLength(wide.split('\n').length);
    for (const line of narrow.split('\n')) expect([...line].length).toBeLessThanOrEqual(40);
    expect(narrow).toMatch(/\n✖ web {5}failed: RUN make exited with ?…\n/);
    expect(narrow.split('\n').at(-1)).toBe('✖ done: 1 built, 2 cached, 1 failed, 1 …');
  });

  test('wide terminal (120 columns): nothing is cut', () => {
    const text = plain(frame(fullRun(), { columns: 120 }));
    expect(text).not.toContain('…');
    expect(text).toContain('(cache saved ~40s)');
  });

  test('NO_COLOR: no ANSI color codes at all (and color otherwise)', () => {
    expect(frame(fullRun())).toContain('\x1b[3');
    const text = frame(fullRun(), { noColor: true });
    expect(text).not.toContain('\x1b[');
    expect(text).toBe(plain(frame(fullRun())));
  });

  test('watch mode: the header names the round; past rounds settle as one summary line', () => {
    const text = plain(frame([...fullRun(1), ...fullRun(2).slice(0, 3)]));
    expect(text).toContain('[round 1] done: 1 built, 2 cached, 1 failed, 1 skipped, 1 pushed in 12.4s');
    expect(text).toMatch(/\[round 2\] ▕[█░]+▏ 2\/5/);
  });
});

describe('a 200-image graph', () => {
  function bigRun(): BuildEvent[] {
    const names = Array.from({ length: 200 }, (_, i) => `image-${String(i).padStart(3, '0')}`);
    const events: BuildEvent[] = [
      { type: 'plan', time: T0, images: names.map((name, i) => planned(name, i < 20 ? {} : { dependsOn: [names[i % 20]!] })), order: [names] },
    ];
    names.slice(20, 170).forEach((name) => events.push({ type: 'cached', image: name, id: 'sha256:1', key: 'k', source: 'local', time: T0 + 1 }));
    names.slice(0, 10).forEach((name) => events.push({ type: 'built', image: name, id: 'sha256:2', key: 'k', durationMs: 500, time: T0 + 2 }));
    names.slice(10, 14).forEach((name) => events.push({ type: 'start', image: name, key: 'k', reasons: [], time: T0 + 3 }));
    events.push({ type: 'failed', image: names[14]!, error: 'boom', logs: ['bad thing'], time: T0 + 4 });
    return events;
  }

  test('collapses finished rows and stays within the terminal height', () => {
    const text = plain(frame(bigRun(), { rows: 30, columns: 80 }));
    const lines = text.split('\n');
    expect(lines.length).toBeLessThanOrEqual(30);
    expect(lines).toContain('✔ 150 cached');
    expect(lines).toContain('✔ 10 built');
    // The failure stays visible with its log line; the building rows come first among the live ones.
    expect(text).toContain('✖ image-014  failed: boom\n    │ bad thing');
    expect(lines.filter((line) => line.includes('image-01') && /\d\.\ds/.test(line))).toHaveLength(4);
    expect(lines.at(-1)).toMatch(/^… 17 more \(17 waiting\)$/);
    // A waiting row names only the dependencies still unfinished.
    expect(lines).toContain('◦ image-170  waiting for image-010');
    expect(lines).toContain('◦ image-180  waiting');
  });

  test('stays within a tiny terminal too', () => {
    const lines = plain(frame(bigRun(), { rows: 12, columns: 40 })).split('\n');
    expect(lines.length).toBeLessThanOrEqual(12);
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(40);
  });
});
