import { PassThrough } from 'node:stream';
import { describe, expect, test } from 'vitest';
import type { BuildEvent } from '../../src/run/events.js';
import { createPlainReporter } from '../../src/ui/plain.js';
import { fullRun } from './fixtures.js';

function lines(events: BuildEvent[], options: { color?: boolean; verbose?: boolean } = {}): string {
  const out = new PassThrough();
  const chunks: string[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  const reporter = createPlainReporter({ out, ...options });
  for (const event of events) reporter.emit(event);
  reporter.close();
  return chunks.join('');
}

describe('plain reporter', () => {
  test('golden lines for a whole run', () => {
    expect(lines(fullRun())).toBe(
      [
        'plan: 5 images, 2 cached, 3 to build',
        '[base] cached (key 1a2b3c4d5e6f)',
        '[worker] cached in registry (key ffeeddccbbaa)',
        '[api] building (file src/server.js changed)',
        '[api] [2/5] RUN npm ci',
        '[api] built in 3.2s (sha256:abcd1234abcd)',
        '[api] pushed 127.0.0.1:5000/api:latest sha256:0123456789abcdef',
        '[web] building (dependency api rebuilt)',
        '[web] [3/4] RUN make',
        '[web] FAILED: RUN make exited with code 2',
        '[web]   at [3/4] RUN make',
        '[web]     cc -o app main.c',
        '[web]     main.c:3: error: expected ;',
        '[web]   hint: fix main.c',
        '[docs] skipped: dependency web failed',
        'done: 1 built, 2 cached, 1 failed, 1 skipped, 1 pushed in 12.4s (cache saved ~40s)',
        '',
      ].join('\n'),
    );
  });

  test('verbose prints log lines as they come, and not again on failure', () => {
    const text = lines(fullRun(), { verbose: true });
    expect(text).toContain('[api] | added 120 packages\n');
    expect(text).toContain('[web] | main.c:3: error: expected ;\n[web] FAILED');
    expect(text).not.toContain('[web]     main.c');
  });

  test('watch mode prefixes the plan and the round summary', () => {
    const text = lines(fullRun(3));
    expect(text.split('\n')[0]).toBe('[round 3] plan: 5 images, 2 cached, 3 to build');
    expect(text).toContain('\n[round 3] done: 1 built, 2 cached, 1 failed, 1 skipped, 1 pushed in 12.4s (cache saved ~40s)\n');
  });

  test('a cached step is marked, and a step is printed once', () => {
    const text = lines([
      ...fullRun().slice(0, 1),
      { type: 'start', image: 'base', key: 'k', reasons: [{ kind: 'new', detail: '' }], time: 0 },
      { type: 'step', image: 'base', name: 'COPY . /app', index: 1, total: 2, cached: true, completed: true, time: 0 },
      { type: 'step', image: 'base', name: 'RUN true', index: 2, total: 2, time: 0 },
      { type: 'step', image: 'base', name: 'RUN true', index: 2, total: 2, completed: true, time: 0 },
    ]);
    expect(text.split('\n').slice(1, -1)).toEqual(['[base] building (new)', '[base] [1/2] COPY . /app CACHED', '[base] [2/2] RUN true']);
  });

  test('interrupted runs say so', () => {
    const text = lines([
      ...fullRun().slice(0, 1),
      { type: 'done', counts: { built: 0, cached: 0, failed: 0, skipped: 5, pushed: 0 }, durationMs: 800, savedMs: 0, interrupted: true, time: 0 },
    ]);
    expect(text).toContain('interrupted: 0 built, 0 cached, 0 failed, 5 skipped in 0.8s\n');
  });

  test('color only when asked', () => {
    expect(lines(fullRun())).not.toContain('\x1b[');
    const colored = lines(fullRun(), { color: true });
    expect(colored).toContain('\x1b[31m');
    expect(colored.replace(/\x1b\[[0-9;]*m/g, '')).toBe(lines(fullRun()));
  });

  test('ignores events after close', () => {
    const out = new PassThrough();
    const reporter = createPlainReporter({ out });
    reporter.close();
    reporter.emit(fullRun()[0]!);
    expect(out.read()).toBeNull();
  });
});
