import { describe, expect, it } from 'vitest';
import { defaultConcurrency, runBuild, type ImageJob, type RunBuildOptions } from '../../src/run/run-build.js';
import type { PlannedImage } from '../../src/run/events.js';
import { FakeClock, FakeExecutor, RecordingSink, flush } from './fakes.js';

function job(name: string, extra: Partial<ImageJob> = {}): ImageJob {
  return {
    name,
    key: `key-${name}`,
    dependencies: [],
    tags: [`acme/${name}:latest`],
    reasons: [{ kind: 'new', detail: 'never built' }],
    ...extra,
  };
}

function planned(j: ImageJob): PlannedImage {
  return { name: j.name, repository: `acme/${j.name}`, tags: ['latest'], dependsOn: j.dependencies, key: j.key, cached: j.cachedId !== undefined, reasons: j.reasons };
}

function startRun(jobs: ImageJob[], extra: Partial<RunBuildOptions> = {}) {
  const executor = new FakeExecutor();
  const sink = new RecordingSink();
  const clock = new FakeClock();
  const controller = new AbortController();
  const summary = runBuild({
    jobs,
    order: jobs.map((j) => j.name),
    waves: [jobs.map((j) => j.name)],
    executor,
    sink,
    concurrency: 4,
    keepGoing: false,
    signal: controller.signal,
    clock: clock.read,
    plannedImages: jobs.map(planned),
    ...extra,
  });
  return { executor, sink, clock, controller, summary };
}

describe('runBuild', () => {
  it('emits the golden event sequence for a small graph', async () => {
    const base = job('base', { tags: ['acme/base:latest', 'acme/base:stable'] });
    const lib = job('lib', { cachedId: 'sha256:lib', reasons: [] });
    const app = job('app', { dependencies: ['base', 'lib'], reasons: [{ kind: 'dependency', detail: 'dependency base rebuilt' }] });
    const { executor, sink, clock, summary } = startRun([base, lib, app], { waves: [['base', 'lib'], ['app']], round: 3 });
    await flush();
    clock.advance(5);
    executor.progress('base', { kind: 'step', name: '[1/2] FROM busybox', index: 1, total: 2 });
    executor.progress('base', { kind: 'log', line: 'one\ntwo\n', stream: 'stderr' });
    executor.progress('base', { kind: 'step', name: '[1/2] FROM busybox', index: 1, total: 2, completed: true });
    clock.advance(1200);
    await executor.succeed('base');
    expect(executor.builds.has('app')).toBe(true);
    // A dependent is given the exact image each dependency ended with, built or cached.
    expect(executor.dependenciesOf('app')).toEqual({ base: 'sha256:base', lib: 'sha256:lib' });
    await executor.succeed('app');
    const result = await summary;

    expect(sink.events[0]).toMatchObject({ type: 'plan', order: [['base', 'lib'], ['app']], round: 3 });
    expect(sink.events.at(-1)?.type).toBe('done');
    expect(sink.typesFor('base')).toEqual(['queued', 'start', 'step', 'log', 'log', 'step', 'built']);
    expect(sink.typesFor('lib')).toEqual(['queued', 'cached']);
    expect(sink.typesFor('app')).toEqual(['queued', 'start', 'built']);
    expect(sink.events.every((e) => e.round === 3)).toBe(true);

    expect(sink.ofType('start')[0]).toEqual({ type: 'start', image: 'base', key: 'key-base', reasons: base.reasons, time: 1_000_000, round: 3 });
    expect(sink.ofType('step')[0]).toEqual({ type: 'step', image: 'base', name: '[1/2] FROM busybox', index: 1, total: 2, time: 1_000_005, round: 3 });
    expect(sink.ofType('log').map((e) => [e.line, e.stream])).toEqual([['one', 'stderr'], ['two', 'stderr']]);
    expect(sink.ofType('built')[0]).toMatchObject({ image: 'base', id: 'sha256:base', key: 'key-base', durationMs: 1205 });
    expect(sink.ofType('cached')[0]).toMatchObject({ image: 'lib', id: 'sha256:lib', key: 'key-lib', source: 'local' });
    expect(sink.ofType('done')[0]).toEqual({
      type: 'done',
      counts: { built: 2, cached: 1, failed: 0, skipped: 0, pushed: 0 },
      durationMs: 1205,
      savedMs: 0,
      time: 1_001_205,
      round: 3,
    });
    expect(result.counts).toEqual({ built: 2, cached: 1, failed: 0, skipped: 0, pushed: 0 });
    expect(result.interrupted).toBe(false);
    expect(result.outcomes.get('base')).toEqual({ status: 'ok', value: { id: 'sha256:base', cached: false, durationMs: 1205 } });
    // The manifest's tags only; the cached image's only tag was missing, so re-applied.
    expect(executor.tagged).toEqual([
      { id: 'sha256:lib', refs: ['acme/lib:latest'] },
      { id: 'sha256:base', refs: ['acme/base:latest', 'acme/base:stable'] },
      { id: 'sha256:app', refs: ['acme/app:latest'] },
    ]);
  });

  it('applies tags only after the build succeeded, before `built`', async () => {
    const { executor, sink, summary } = startRun([job('api')]);
    const eventsAtTag: string[][] = [];
    const tag = executor.tag.bind(executor);
    executor.tag = async (id, refs) => {
      eventsAtTag.push(sink.events.map((e) => e.type));
      return tag(id, refs);
    };
    await flush();
    expect(executor.tagged).toEqual([]);
    await executor.succeed('api');
    await summary;
    expect(eventsAtTag).toEqual([['plan', 'queued', 'start']]);
    expect(sink.typesFor('api')).toEqual(['queued', 'start', 'built']);
  });

  it('reports a failed build with its step, logs and hint, tags nothing, and skips dependents', async () => {
    const base = job('base');
    const app = job('app', { dependencies: ['base'] });
    const other = job('other');
    const { executor, sink, summary } = startRun([base, app, other], { concurrency: 1 });
    await flush();
    const error = Object.assign(new Error('executor failed running [/bin/sh -c exit 7]: exit code: 7'), {
      step: '[2/3] RUN exit 7',
      logs: ['compiling', 'error: nope'],
      kind: 'run',
      hint: 'Fix the command; the last lines of its output are above.',
    });
    await executor.fail('base', error);
    const result = await summary;
    expect(executor.tagged).toEqual([]);
    expect(sink.ofType('failed')).toEqual([
      {
        type: 'failed',
        image: 'base',
        error: 'executor failed running [/bin/sh -c exit 7]: exit code: 7',
        hint: 'Fix the command; the last lines of its output are above.',
        step: '[2/3] RUN exit 7',
        logs: ['compiling', 'error: nope'],
        time: expect.any(Number),
      },
    ]);
    expect(sink.ofType('skipped').map((e) => [e.image, e.reason]).sort()).toEqual([
      ['app', 'dependency base failed'],
      ['other', 'stopped after base failed'],
    ]);
    expect(result.counts).toEqual({ built: 0, cached: 0, failed: 1, skipped: 2, pushed: 0 });
    expect(result.failures).toEqual([{ image: 'base', error }]);
    expect(sink.ofType('done')[0]).not.toHaveProperty('interrupted');
  });

  it('takes the failing step and last log lines from progress when the error has none', async () => {
    const { executor, sink, summary } = startRun([job('api')]);
    await flush();
    executor.progress('api', { kind: 'step', name: '[1/2] FROM busybox', completed: true });
    executor.progress('api', { kind: 'step', name: '[2/2] RUN make' });
    executor.progress('api', { kind: 'log', line: Array.from({ length: 30 }, (_, i) => `line ${i}`).join('\n') });
    executor.progress('api', { kind: 'step', name: '[2/2] RUN make', error: 'exit code: 2' });
    await executor.fail('api', new Error('exit code: 2'));
    await summary;
    const failed = sink.ofType('failed')[0];
    expect(failed?.step).toBe('[2/2] RUN make');
    expect(failed?.logs).toHaveLength(20);
    expect(failed?.logs.at(-1)).toBe('line 29');
    expect(failed).not.toHaveProperty('hint');
  });

  it('with keepGoing builds what does not depend on the failure', async () => {
    const { executor, summary } = startRun([job('a'), job('b', { dependencies: ['a'] }), job('c')], { keepGoing: true, concurrency: 1 });
    await flush();
    await executor.fail('a', new Error('boom'));
    await executor.succeed('c');
    const result = await summary;
    expect(result.counts).toMatchObject({ built: 1, failed: 1, skipped: 1 });
    expect(result.outcomes.get('b')).toEqual({ status: 'skipped', reason: 'dependency a failed' });
  });

  it('on interrupt aborts the running build, never tags it, and reports done.interrupted', async () => {
    const { executor, sink, controller, summary } = startRun([job('api'), job('web', { dependencies: ['api'] })]);
    await flush();
    const signal = executor.signalOf('api');
    controller.abort();
    await flush();
    expect(signal.aborted).toBe(true);
    // The engine finished the build anyway: its result must not move the tag.
    await executor.succeed('api');
    const result = await summary;
    expect(executor.tagged).toEqual([]);
    expect(sink.typesFor('api')).toEqual(['queued', 'start', 'skipped']);
    expect(sink.typesFor('web')).toEqual(['skipped']);
    expect(sink.ofType('failed')).toEqual([]);
    expect(sink.ofType('done')[0]).toMatchObject({ interrupted: true, counts: { built: 0, skipped: 2 } });
    expect(result.interrupted).toBe(true);
    expect(result.outcomes.get('api')).toEqual({ status: 'skipped', reason: 'interrupted' });
  });

  it('restarting one image skips it untagged, skips its dependents, and lets the others build', async () => {
    const restart = new AbortController();
    const { executor, sink, summary } = startRun([job('slow'), job('fast'), job('app', { dependencies: ['slow'] })], {
      imageSignal: (name) => (name === 'slow' ? restart.signal : undefined),
    });
    await flush();
    restart.abort();
    await flush();
    expect(executor.signalOf('slow').aborted).toBe(true);
    expect(executor.signalOf('fast').aborted).toBe(false);
    // The engine finished the restarted build anyway: its result must not move the tag.
    await executor.succeed('slow');
    await executor.succeed('fast');
    const result = await summary;
    expect(executor.tagged.map((t) => t.id)).toEqual(['sha256:fast']);
    expect(sink.typesFor('slow')).toEqual(['queued', 'start', 'skipped']);
    expect(sink.typesFor('fast')).toEqual(['queued', 'start', 'built']);
    expect(sink.ofType('skipped').map((e) => [e.image, e.reason])).toEqual([
      ['slow', 'restarted: its inputs changed'],
      ['app', 'dependency slow restarted'],
    ]);
    expect(sink.ofType('failed')).toEqual([]);
    const done = sink.ofType('done')[0]!;
    expect(done).toMatchObject({ counts: { built: 1, failed: 0, skipped: 2 } });
    expect('interrupted' in done).toBe(false);
    expect(result.interrupted).toBe(false);
    expect(result.failures).toEqual([]);
  });

  it('re-applies only missing tags of a cached image and counts the time it saved', async () => {
    const cached = job('api', { cachedId: 'sha256:old', tags: ['acme/api:1.0', 'acme/api:latest'], previousDurationMs: 4000 });
    const complete = job('web', { cachedId: 'sha256:web', previousDurationMs: 500 });
    const { executor, sink, summary } = startRun([cached, complete]);
    executor.existing.set('sha256:old', ['acme/api:latest']);
    executor.existing.set('sha256:web', ['acme/web:latest']);
    const result = await summary;
    expect(executor.builds.size).toBe(0);
    expect(executor.tagged).toEqual([{ id: 'sha256:old', refs: ['acme/api:1.0'] }]);
    expect(sink.ofType('done')[0]).toMatchObject({ counts: { cached: 2, built: 0 }, savedMs: 4500 });
    expect(result.outcomes.get('api')).toEqual({ status: 'ok', value: { id: 'sha256:old', cached: true } });
  });

  it('reports where a cached image came from', async () => {
    const pulled = job('api', { cachedId: 'sha256:api', cachedSource: 'registry' });
    const local = job('web', { cachedId: 'sha256:web' });
    const { sink, summary } = startRun([pulled, local]);
    await summary;
    expect(sink.ofType('cached').map((e) => [e.image, e.source])).toEqual([['api', 'registry'], ['web', 'local']]);
  });
});

describe('defaultConcurrency', () => {
  it('clamps the CPU count to 2..4', () => {
    expect([1, 2, 3, 4, 16].map((cpus) => defaultConcurrency(cpus))).toEqual([2, 2, 3, 4, 4]);
    expect(defaultConcurrency()).toBeGreaterThanOrEqual(2);
  });
});
