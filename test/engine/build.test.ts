import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { BuildError } from '../../src/engine/build-error.js';
import type { BuildRequest } from '../../src/engine/engine.js';
import { services } from '../helpers/services.js';
import { contextTar, progressRecorder, testEngine, uniqueRepository } from './helpers.js';

/** Whether any process on this machine (the engine runs here) has `marker` in its command line. */
function processWithMarker(marker: string): boolean {
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker)) return true;
    } catch {
      // the process ended meanwhile
    }
  }
  return false;
}

describe.each(['buildkit', 'classic'] as const)('build with the %s builder (real engine)', (builder) => {
  const base = services().baseImage;
  const engine = testEngine();
  const created: string[] = [];
  afterAll(async () => {
    for (const id of created) await engine.removeImage(id, { force: true }).catch(() => undefined);
    await engine.close();
  });

  const request = (dockerfile: string, extra: Partial<BuildRequest> = {}): BuildRequest => ({
    context: contextTar({ Dockerfile: dockerfile, 'hello.txt': 'hello from the context\n' }),
    dockerfile: 'Dockerfile',
    builder,
    noCache: true,
    ...extra,
  });

  it('builds, relays steps and RUN output, and resolves with the image ID', async () => {
    const progress = progressRecorder();
    const repository = uniqueRepository(builder);
    const dockerfile = `FROM ${base}\nCOPY hello.txt /hello.txt\nRUN cat /hello.txt && echo to-stderr >&2\n`;
    const { id } = await engine.build(request(dockerfile, { tags: [`${repository}:1`], labels: { 'kiln.test': 'engine' }, args: { UNUSED: 'x' } }), progress.onProgress);
    created.push(id);
    expect(id).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(progress.lines).toContain('hello from the context');
    expect(progress.lines).toContain('to-stderr');
    const run = progress.steps.filter((s) => s.name === 'RUN cat /hello.txt && echo to-stderr >&2');
    expect(run.length).toBeGreaterThan(0);
    expect(run[0]).toMatchObject({ index: 3 });
    expect(run.at(-1)).toMatchObject({ completed: true });
    const image = await engine.inspectImage(`${repository}:1`);
    expect(image?.Id).toBe(id);
    expect(image?.Config?.Labels).toMatchObject({ 'kiln.test': 'engine' });
  });

  it('marks cached steps on a rebuild', async () => {
    const dockerfile = `FROM ${base}\nRUN echo cached-${builder} > /f\n`;
    const first = await engine.build(request(dockerfile, { noCache: false }), () => undefined);
    created.push(first.id);
    const progress = progressRecorder();
    const second = await engine.build(request(dockerfile, { noCache: false }), progress.onProgress);
    expect(second.id).toBe(first.id);
    expect(progress.steps.some((s) => s.name.startsWith('RUN echo cached') && s.cached)).toBe(true);
  });

  it('rejects a failing RUN with a BuildError carrying the step and its output', async () => {
    const dockerfile = `FROM ${base}\nRUN echo before-the-failure && exit 7\n`;
    const error = await engine.build(request(dockerfile), () => undefined).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BuildError);
    const failure = error as BuildError;
    // The message is part of the comparison so an unexpected engine error shows in the failure.
    expect({ kind: failure.kind, message: failure.message }).toMatchObject({ kind: 'run' });
    expect(failure.exitCode).toBe(7);
    expect(failure.step).toBe('RUN echo before-the-failure && exit 7');
    expect(failure.logs).toContain('before-the-failure');
    expect(failure.diagnostics[0]?.kind).toBe('failed');
  });

  it('rejects a Dockerfile syntax error as kind dockerfile with its line', async () => {
    const dockerfile = `FROM ${base}\nFOOBAR nonsense\n`;
    const error = await engine.build(request(dockerfile, { dockerfileLocation: '/repo/app/Dockerfile' }), () => undefined).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BuildError);
    const failure = error as BuildError;
    expect(failure.kind).toBe('dockerfile');
    expect(failure.line).toBe(2);
    expect(failure.message).toMatch(/unknown instruction: FOOBAR/);
    expect(failure.diagnostics[0]).toMatchObject({ kind: 'usage', location: { file: '/repo/app/Dockerfile', line: 2 } });
  });

  it('cancels the build in the engine when aborted', async () => {
    const marker = `kiln-abort-${randomBytes(6).toString('hex')}`;
    const dockerfile = `FROM ${base}\nRUN sleep 30; echo ${marker}\n`;
    const controller = new AbortController();
    let running = false;
    const build = engine.build(request(dockerfile), (p) => {
      if (p.kind === 'step' && p.name.startsWith('RUN sleep')) running = true;
    }, controller.signal);
    // Wait until the RUN process exists, then abort.
    for (let i = 0; i < 100 && !processWithMarker(marker); i++) await new Promise((r) => setTimeout(r, 100));
    expect(processWithMarker(marker)).toBe(true);
    const abortedAt = Date.now();
    controller.abort(new Error('user interrupt'));
    await expect(build).rejects.toThrow('user interrupt');
    expect(Date.now() - abortedAt).toBeLessThan(2_000);
    let gone = false;
    for (let i = 0; i < 100 && !gone; i++) {
      gone = !processWithMarker(marker);
      if (!gone) await new Promise((r) => setTimeout(r, 100));
    }
    expect(gone).toBe(true);
    if (builder === 'buildkit') expect(running).toBe(true);
  });
});
