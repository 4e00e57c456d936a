import { describe, expect, it } from 'vitest';
import type { BuildEvent } from '../../src/run/events.js';
import { runCli } from '../helpers/cli.js';
import { services } from '../helpers/services.js';
import { builders, buildJson, manifest, engineEnv, eventOf, outcomes, projectsOnEngine } from './fixture.js';

/**
 * `solo` is listed first but stands alone; `head → mid → tail` is the longest chain. `mid` names
 * `head` by its second tag `head:edge` and `tail` names `mid` without a tag (its tag latest).
 */
function chainRepo(): Record<string, string> {
  const registry = `${services().registry}/{{id}}`;
  const base = services().baseImage;
  return {
    'images.yaml': manifest([
      'solo: { context: solo, tags: [v1] }',
      'head: { context: head, tags: [v1, edge] }',
      'mid: { context: mid, tags: [v1, latest] }',
      'tail: { context: tail, tags: [v1] }',
    ]),
    'solo/Dockerfile': `FROM ${base}\nRUN echo solo-{{id}}\n`,
    'head/Dockerfile': `FROM ${base}\nRUN echo head-{{id}} > /head\n`,
    'mid/Dockerfile': `FROM ${registry}/head:edge\nRUN cat /head\n`,
    'tail/Dockerfile': `FROM ${registry}/mid\nRUN cat /head\n`,
  };
}

/** The largest number of images between `start` and their end at any moment. */
function maxRunning(events: BuildEvent[]): number {
  let running = 0;
  let max = 0;
  for (const e of events) {
    if (e.type === 'start') max = Math.max(max, ++running);
    if (e.type === 'built' || e.type === 'failed') running--;
  }
  return max;
}

describe.each(builders)('scheduling and output (%s builder, real engine)', (builder) => {
  const { engine, project } = projectsOnEngine();

  it('runs the longest chain first, at most --concurrency at once, each dependent on its dependency\'s exact build', async () => {
    const p = await project(chainRepo());
    const { code, events } = await buildJson(p, ['--builder', builder, '--concurrency', '1']);
    expect(code).toBe(0);
    expect(outcomes(events)).toEqual({ solo: 'built', head: 'built', mid: 'built', tail: 'built' });
    expect(maxRunning(events)).toBe(1);
    // While the chain is longer than solo's, it goes first; then tail and solo tie.
    const starts = events.filter((e) => e.type === 'start').map((e) => (e as { image: string }).image);
    expect(starts.slice(0, 2)).toEqual(['head', 'mid']);
    expect(starts.slice(2).sort()).toEqual(['solo', 'tail']);
    const registry = `${services().registry}/${p.id}`;
    expect((await engine.inspectImage(`${registry}/head:v1`))?.Id).toBe(eventOf(events, 'built', 'head')?.id);
    expect((await engine.inspectImage(`${registry}/mid:v1`))?.Id).toBe(eventOf(events, 'built', 'mid')?.id);
    expect((await engine.inspectImage(`${registry}/tail:v1`))?.Id).toBe(eventOf(events, 'built', 'tail')?.id);
    // Dependents were sent references to the exact builds (kiln-dep-<id>), removed when the run ended;
    // the tags they name are the dependencies' own, applied after success like any other.
    expect((await engine.inspectImage(`${registry}/head:edge`))?.Id).toBe(eventOf(events, 'built', 'head')?.id);
    expect((await engine.inspectImage(`${registry}/mid:latest`))?.Id).toBe(eventOf(events, 'built', 'mid')?.id);
    const left = await engine.listImages({ filters: { label: [`dev.kiln.project=${p.id}`] } });
    expect(left.flatMap((i) => i.RepoTags ?? []).sort()).toEqual([`${registry}/head:edge`, `${registry}/head:v1`, `${registry}/mid:latest`, `${registry}/mid:v1`, `${registry}/solo:v1`, `${registry}/tail:v1`]);
    const tailLogs = events.filter((e) => e.type === 'log' && e.image === 'tail').map((e) => (e as { line: string }).line);
    expect(tailLogs).toContain(`head-${p.id}`);

    const parallel = await buildJson(p, ['--builder', builder, '--concurrency', '2', '--no-cache']);
    expect(maxRunning(parallel.events)).toBe(2);
  });

  it('plain output: one line per step and image, a readable summary; a no-op run says cached', async () => {
    const p = await project(chainRepo());
    const first = await runCli(['build', '--builder', builder, '--progress', 'plain'], { cwd: p.root, env: engineEnv() });
    expect(first.code).toBe(0);
    const lines = first.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('plan: 4 images, 0 cached, 4 to build');
    expect(lines.at(-1)).toMatch(/^done: 4 built, 0 cached, 0 failed, 0 skipped in \d+\.\ds$/);
    expect(lines.filter((l, i) => lines.indexOf(l) !== i)).toEqual([]);
    for (const image of ['solo', 'head', 'mid', 'tail']) {
      expect(lines).toContain(`[${image}] building (new)`);
      expect(lines.filter((l) => l.startsWith(`[${image}] built in `))).toHaveLength(1);
    }
    // Steps count the Dockerfile's own instructions (the classic builder's label steps are hidden).
    expect(lines).toContain(`[head] [2/2] RUN echo head-${p.id} > /head`);
    expect(lines.some((l) => l.includes('dev.kiln.'))).toBe(false);
    // Each RUN shows under its own image only.
    expect(lines.filter((l) => l.includes(`RUN echo solo-${p.id}`)).every((l) => l.startsWith('[solo] '))).toBe(true);
    expect(lines.filter((l) => l.includes(`RUN echo head-${p.id}`)).every((l) => l.startsWith('[head] '))).toBe(true);

    const again = await runCli(['build', '--builder', builder, '--progress', 'plain'], { cwd: p.root, env: engineEnv() });
    expect(again.code).toBe(0);
    const noop = again.stdout.trimEnd().split('\n');
    expect(noop[0]).toBe('plan: 4 images, 4 cached, 0 to build');
    expect(noop.slice(1, -1).sort()).toEqual(['head', 'mid', 'solo', 'tail'].map((i) => expect.stringMatching(new RegExp(`^\\[${i}\\] cached \\(key [0-9a-f]{12}\\)$`))));
    expect(noop.at(-1)).toMatch(/^done: 0 built, 4 cached, 0 failed, 0 skipped in \d+\.\ds \(cache saved ~[\d.]+m?s\)$/);
  });
});
