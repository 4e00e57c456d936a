import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BuildEvent } from '../../src/run/events.js';
import { parseEvents, spawnKiln } from '../helpers/cli.js';
import { services } from '../helpers/services.js';
import { builders, buildJson, engineEnv, eventOf, outcomes, processWithMarker, projectsOnEngine, waitFor } from './fixture.js';

// These spawn bin/kiln.js: `npm test` builds dist/ first (pretest); run `npm run build` before vitest alone.

/** A spawned kiln, its live events, and how it ended. */
function watchKiln(child: ChildProcess): { events: BuildEvent[]; exited: Promise<{ code: number | null; at: number }> } {
  const events: BuildEvent[] = [];
  let pending = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    const lines = (pending + chunk.toString()).split('\n');
    pending = lines.pop() ?? '';
    events.push(...parseEvents(lines.join('\n')));
  });
  child.stderr?.resume();
  const exited = new Promise<{ code: number | null; at: number }>((resolve) => child.on('exit', (code) => resolve({ code, at: Date.now() })));
  return { events, exited };
}

/** Peak resident memory (VmHWM) of a running process, in bytes; undefined once it is gone. */
function peakRss(pid: number): number | undefined {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined;
  }
}

describe.each(builders)('the kiln process (%s builder, real engine)', (builder) => {
  const { engine, project } = projectsOnEngine();

  it('exits 130 on SIGINT mid-build, cancels the build in the engine and keeps the previous tag', async () => {
    const base = services().baseImage;
    const p = await project({
      'images.yaml': `version: 1\nname: "{{id}}"\nregistry: ${services().registry}/{{id}}\nimages:\n  slow: { context: slow }\n`,
      'slow/Dockerfile': `FROM ${base}\nRUN echo previous-{{id}} > /v\n`,
    });
    const first = await buildJson(p, ['--builder', builder]);
    expect(outcomes(first.events)).toEqual({ slow: 'built' });
    const ref = `${services().registry}/${p.id}/slow:latest`;
    const previous = (await engine.inspectImage(ref))?.Id;
    expect(previous).toBeDefined();

    const marker = `kiln-sigint-${randomBytes(6).toString('hex')}`;
    await p.write({ 'slow/Dockerfile': `FROM ${base}\nRUN sleep 30; echo ${marker}\n` });
    const child = spawnKiln(['build', '--progress', 'json', '--builder', builder], { cwd: p.root, env: engineEnv() });
    const { events, exited } = watchKiln(child);
    // Interrupt once the step runs in the engine: its step event arrived and its process exists.
    expect(await waitFor(() => events.some((e) => e.type === 'step' && e.name.includes('sleep 30')), 20_000)).toBe(true);
    expect(await waitFor(() => processWithMarker(marker), 20_000)).toBe(true);
    const sentAt = Date.now();
    child.kill('SIGINT');
    const { code, at } = await exited;
    expect(code).toBe(130);
    expect(at - sentAt).toBeLessThan(5_000);
    expect(events.filter((e) => e.type === 'skipped')).toMatchObject([{ image: 'slow', reason: 'interrupted' }]);
    expect(events.at(-1)).toMatchObject({ type: 'done', interrupted: true, counts: { built: 0, skipped: 1 } });
    expect(events.some((e) => e.type === 'failed' || e.type === 'built')).toBe(false);
    expect((await engine.inspectImage(ref))?.Id).toBe(previous);
    // The engine stopped the RUN: no process of that build is left.
    expect(await waitFor(() => !processWithMarker(marker), 10_000)).toBe(true);
  });

  it('streams a context of hundreds of MB without holding it in memory', async () => {
    const p = await project({
      'images.yaml': `version: 1\nname: "{{id}}"\nregistry: ${services().registry}/{{id}}\nimages:\n  big: { context: big }\n`,
      // Only a small file reaches a layer: the engine still receives (and reads) the whole context.
      'big/Dockerfile': `FROM ${services().baseImage}\nCOPY small.txt /small.txt\n`,
      'big/small.txt': 'small\n',
    });
    const measured = async () => {
      const child = spawnKiln(['build', '--progress', 'json', '--builder', builder], { cwd: p.root, env: engineEnv() });
      const { events, exited } = watchKiln(child);
      let peak = 0;
      const sampler = setInterval(() => (peak = Math.max(peak, peakRss(child.pid!) ?? 0)), 25);
      const { code } = await exited;
      clearInterval(sampler);
      return { code, events, peak };
    };
    const small = await measured();
    expect(small.code).toBe(0);

    const chunk = randomBytes(1024 * 1024);
    for (let dir = 0; dir < 10; dir++) {
      await mkdir(join(p.root, 'big', 'data', `d${dir}`), { recursive: true });
      for (let file = 0; file < 30; file++) {
        // Each file differs, so nothing in the tar compresses or deduplicates away.
        chunk.writeUInt32LE(dir * 100 + file, 0);
        await writeFile(join(p.root, 'big', 'data', `d${dir}`, `f${file}.bin`), chunk);
      }
    }
    const big = await measured();
    expect(big.code).toBe(0);
    expect(outcomes(big.events)).toEqual({ big: 'built' });
    expect(eventOf(big.events, 'start', 'big')?.reasons[0]).toEqual({ kind: 'file', detail: 'file data/d0/f0.bin added' });
    const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
    // 300 MB went through hashing and the tar stream; the process grew by a fraction of that.
    expect(mb(small.peak)).toBeGreaterThan(0);
    expect(mb(big.peak)).toBeLessThan(200);
    expect(mb(big.peak - small.peak)).toBeLessThan(64);
  });
});
