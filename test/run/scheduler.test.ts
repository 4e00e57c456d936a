import { describe, expect, it } from 'vitest';
import { runGraph, type NodeOutcome } from '../../src/run/scheduler.js';
import { criticalPathLengths } from '../../src/run/critical-path.js';
import { ControlledWork, flush } from './fakes.js';

type Graph = Record<string, string[]>;

function start(
  graph: Graph,
  options: { concurrency?: number; keepGoing?: boolean; signal?: AbortSignal; order?: string[]; nodeSignal?: (name: string) => AbortSignal | undefined } = {},
) {
  const work = new ControlledWork();
  const skipped: [string, string][] = [];
  const queued: string[] = [];
  const result = runGraph({
    nodes: new Map(Object.entries(graph).map(([name, dependencies]) => [name, { dependencies }])),
    order: options.order ?? Object.keys(graph),
    concurrency: options.concurrency ?? 4,
    keepGoing: options.keepGoing ?? false,
    signal: options.signal ?? new AbortController().signal,
    run: work.run,
    onQueued: (name) => queued.push(name),
    onSkipped: (name, reason) => skipped.push([name, reason]),
    ...(options.nodeSignal ? { nodeSignal: options.nodeSignal } : {}),
  });
  return { work, skipped, queued, result };
}

function statuses(outcomes: Map<string, NodeOutcome<string>>): Record<string, string> {
  return Object.fromEntries(
    [...outcomes].map(([name, o]) => [name, o.status === 'skipped' ? `skipped: ${o.reason}` : o.status]),
  );
}

describe('runGraph', () => {
  it('starts a node only after all its dependencies succeeded', async () => {
    const { work, queued, result } = start({ base: [], lib: ['base'], tool: ['base'], app: ['lib', 'tool'] });
    await flush();
    expect(work.started).toEqual(['base']);
    expect(queued).toEqual(['base']);
    await work.finish('base');
    expect(work.started.sort()).toEqual(['base', 'lib', 'tool']);
    await work.finish('lib');
    expect(work.started).not.toContain('app');
    await work.finish('tool');
    expect(work.started).toContain('app');
    await work.finish('app');
    expect(statuses(await result)).toEqual({ base: 'ok', lib: 'ok', tool: 'ok', app: 'ok' });
    expect((await result).get('app')).toEqual({ status: 'ok', value: 'app-value' });
  });

  it('never runs more than `concurrency` nodes at once', async () => {
    const graph: Graph = { a: [], b: [], c: [], d: [], e: [], f: ['a'] };
    const { work, result } = start(graph, { concurrency: 2 });
    await flush();
    expect(work.running).toBe(2);
    while (work.pending.size > 0) await work.finish([...work.pending.keys()][0]!);
    expect(work.started).toHaveLength(6);
    expect(work.maxRunning).toBe(2);
    expect(Object.values(statuses(await result))).toEqual(Array(6).fill('ok'));
  });

  it('starts the longest remaining chain first', async () => {
    // Manifest order puts the short ones first; x1 → x2 → x3 is the critical path.
    const graph: Graph = { s1: [], s2: [], x1: [], x2: ['x1'], x3: ['x2'] };
    const { work, result } = start(graph, { concurrency: 1 });
    await flush();
    expect(work.started).toEqual(['x1']);
    await work.finish('x1');
    // x2 (chain of 2) beats s1 and s2 (chains of 1) that waited longer.
    expect(work.started).toEqual(['x1', 'x2']);
    await work.finish('x2');
    // Equal chains (x3, s1, s2 are all 1 long) start in the order they became ready.
    expect(work.started).toEqual(['x1', 'x2', 's1']);
    while (work.pending.size > 0) await work.finish([...work.pending.keys()][0]!);
    expect(work.started).toEqual(['x1', 'x2', 's1', 's2', 'x3']);
    await result;
  });

  it('computes critical path lengths once from the reversed graph', () => {
    const nodes = new Map([
      ['base', { dependencies: [] }],
      ['lib', { dependencies: ['base'] }],
      ['app', { dependencies: ['lib', 'base'] }],
      ['tool', { dependencies: [] }],
    ]);
    expect(Object.fromEntries(criticalPathLengths(nodes, ['base', 'lib', 'app', 'tool']))).toEqual({ base: 3, lib: 2, app: 1, tool: 1 });
  });

  it('runs a diamond’s shared dependency once', async () => {
    const { work, result } = start({ base: [], left: ['base'], right: ['base'], top: ['left', 'right'] });
    await flush();
    await work.finish('base');
    await work.finish('left');
    await work.finish('right');
    await work.finish('top');
    await result;
    expect(work.started.filter((n) => n === 'base')).toHaveLength(1);
    expect(work.started).toHaveLength(4);
  });

  it('stops at the first failure: running nodes finish, nothing new starts', async () => {
    const graph: Graph = { base: [], api: ['base'], web: ['base'], worker: ['base'], app: ['api'], docs: ['web'] };
    const { work, skipped, result } = start(graph, { concurrency: 2 });
    await flush();
    await work.finish('base');
    expect(work.started).toEqual(['base', 'api', 'web']);
    await work.finish('api', new Error('exit 1'));
    expect(work.started).toEqual(['base', 'api', 'web']);
    // web keeps running and its outcome is kept.
    await work.finish('web');
    const outcomes = await result;
    expect(statuses(outcomes)).toEqual({
      base: 'ok',
      api: 'failed',
      web: 'ok',
      worker: 'skipped: stopped after api failed',
      app: 'skipped: dependency api failed',
      docs: 'skipped: stopped after api failed',
    });
    expect(outcomes.get('api')).toEqual({ status: 'failed', error: new Error('exit 1') });
    expect(skipped.map(([n]) => n).sort()).toEqual(['app', 'docs', 'worker']);
  });

  it('with keepGoing, runs everything that does not depend on a failure', async () => {
    const graph: Graph = { base: [], other: [], lib: ['base'], app: ['lib'], tool: ['other'] };
    const { work, result } = start(graph, { keepGoing: true });
    await flush();
    await work.finish('base', new Error('boom'));
    await work.finish('other');
    await work.finish('tool');
    expect(work.started.sort()).toEqual(['base', 'other', 'tool']);
    expect(statuses(await result)).toEqual({
      base: 'failed',
      other: 'ok',
      lib: 'skipped: dependency base failed',
      app: 'skipped: dependency base failed',
      tool: 'ok',
    });
  });

  it('on abort, aborts running nodes, starts nothing new, and resolves once they settle', async () => {
    const controller = new AbortController();
    const graph: Graph = { base: [], slow: [], lib: ['base'], idle: [] };
    const { work, result } = start(graph, { concurrency: 2, signal: controller.signal, order: ['slow', 'base', 'lib', 'idle'] });
    await flush();
    expect(work.started.sort()).toEqual(['base', 'slow']);
    const baseSignal = work.pending.get('base')!.signal;
    const slowSignal = work.pending.get('slow')!.signal;
    controller.abort();
    await flush();
    expect(baseSignal.aborted).toBe(true);
    expect(slowSignal.aborted).toBe(true);
    let settled = false;
    void result.then(() => (settled = true));
    await work.finish('base', new Error('cancelled'));
    expect(settled).toBe(false);
    // A node that finishes despite the abort keeps its success.
    await work.finish('slow');
    expect(statuses(await result)).toEqual({ slow: 'ok', base: 'skipped: interrupted', lib: 'skipped: interrupted', idle: 'skipped: interrupted' });
    expect(work.started.sort()).toEqual(['base', 'slow']);
  });

  it('restarting one running node skips it and its dependents, and lets the others run to completion', async () => {
    const restarts = new Map(['a', 'waiting'].map((name) => [name, new AbortController()]));
    const graph: Graph = { a: [], b: [], a2: ['a'], a3: ['a2'], waiting: [], c: ['b'] };
    const { work, skipped, result } = start(graph, { concurrency: 2, order: ['a', 'b', 'a2', 'a3', 'waiting', 'c'], nodeSignal: (name) => restarts.get(name)?.signal });
    await flush();
    expect(work.started.sort()).toEqual(['a', 'b']);
    const aSignal = work.pending.get('a')!.signal;
    const bSignal = work.pending.get('b')!.signal;
    restarts.get('a')!.abort();
    restarts.get('waiting')!.abort(); // still queued behind the two running nodes
    await flush();
    expect(aSignal.aborted).toBe(true);
    expect(bSignal.aborted).toBe(false);
    await work.finish('a', new Error('cancelled'));
    // Not a failure: no fail-fast stop; b goes on and its dependent c starts after it.
    expect(work.pending.has('b')).toBe(true);
    await work.finish('b');
    await work.finish('c');
    expect(statuses(await result)).toEqual({
      a: 'skipped: restarted: its inputs changed',
      b: 'ok',
      a2: 'skipped: dependency a restarted',
      a3: 'skipped: dependency a restarted',
      waiting: 'skipped: restarted: its inputs changed',
      c: 'ok',
    });
    expect(work.started.sort()).toEqual(['a', 'b', 'c']);
    expect(skipped.map(([name]) => name).sort()).toEqual(['a', 'a2', 'a3', 'waiting']);
  });

  it('skips a node whose own signal is aborted before its dependencies finish', async () => {
    const restart = new AbortController();
    const { work, result } = start({ base: [], app: ['base'] }, { nodeSignal: (name) => (name === 'app' ? restart.signal : undefined) });
    await flush();
    restart.abort();
    await work.finish('base');
    expect(statuses(await result)).toEqual({ base: 'ok', app: 'skipped: restarted: its inputs changed' });
  });

  it('skips everything when already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const { work, result } = start({ a: [], b: ['a'] }, { signal: controller.signal });
    expect(statuses(await result)).toEqual({ a: 'skipped: interrupted', b: 'skipped: interrupted' });
    expect(work.started).toEqual([]);
  });

  it('keeps every invariant on random graphs', async () => {
    let seed = 7;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let trial = 0; trial < 20; trial++) {
      const graph: Graph = {};
      for (let i = 0; i < 25; i++) {
        graph[`n${i}`] = Array.from({ length: i }, (_, j) => `n${j}`).filter(() => random() < 0.1);
      }
      const { work, result } = start(graph, { concurrency: 3, keepGoing: true });
      await flush();
      const finished = new Set<string>();
      while (work.pending.size > 0) {
        const running = [...work.pending.keys()];
        const name = running[Math.floor(random() * running.length)]!;
        for (const dependency of graph[name]!) expect(finished).toContain(dependency);
        finished.add(name);
        await work.finish(name);
      }
      expect(work.maxRunning).toBeLessThanOrEqual(3);
      expect(new Set(work.started).size).toBe(25);
      expect(Object.values(statuses(await result)).every((s) => s === 'ok')).toBe(true);
    }
  });

  it('uses a given priority instead of the critical path', async () => {
    const work = new ControlledWork();
    const result = runGraph({
      nodes: new Map([['a', { dependencies: [] }], ['b', { dependencies: [] }], ['c', { dependencies: ['a'] }]]),
      order: ['a', 'b', 'c'],
      concurrency: 1,
      keepGoing: false,
      signal: new AbortController().signal,
      priority: (name) => (name === 'b' ? 10 : 0),
      run: work.run,
    });
    await flush();
    expect(work.started).toEqual(['b']);
    await work.finish('b');
    await work.finish('a');
    await work.finish('c');
    await result;
  });

  it('rejects a graph whose order puts a dependent before its dependency', async () => {
    await expect(start({ app: ['base'], base: [] }).result).rejects.toThrow('app depends on base, which is not before it in the order');
  });
});
