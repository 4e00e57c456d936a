// ls / tag / rm / prune against the real test engine through kiln's engine client.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KilnError } from '../../src/diagnostics/diagnostic.js';
import type { Engine } from '../../src/engine/engine.js';
import { createEngine } from '../../src/engine/index.js';
import { listKilnImages } from '../../src/images/list.js';
import { applyPrune } from '../../src/images/apply-prune.js';
import { planPrune } from '../../src/images/prune.js';
import { pruneScope } from '../../src/images/prune-scope.js';
import { removeImages, tagImage } from '../../src/images/remove.js';
import { services } from '../helpers/services.js';

const { dockerHost, dockerCli, baseImage } = services();

const project = `klife${process.pid}${Math.random().toString(36).slice(2, 6)}`;
const scratch = mkdtempSync(join(tmpdir(), 'kiln-lifecycle-'));
const docker = (...args: string[]): string =>
  execFileSync(dockerCli, args, { env: { ...process.env, DOCKER_HOST: dockerHost, DOCKER_CONFIG: join(scratch, 'cfg') }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** Builds a one-file image labelled as kiln would, returns its ID. */
function build(key: string, tags: string[]): string {
  const dir = join(scratch, key);
  execFileSync('mkdir', ['-p', dir]);
  writeFileSync(join(dir, 'f'), key);
  writeFileSync(join(dir, 'Dockerfile'), `FROM ${baseImage}\nCOPY f /f\n`);
  const labels = ['--label', `dev.kiln.project=${project}`, '--label', 'dev.kiln.image=api', '--label', `dev.kiln.key=${key}`];
  return docker('build', '-q', '--network', 'none', ...labels, ...tags.flatMap((t) => ['-t', t]), dir).trim();
}

describe('image lifecycle on the real engine', () => {
  let engine: Engine;
  const ids: Record<string, string> = {};
  const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

  beforeAll(async () => {
    engine = createEngine({ host: dockerHost });
    ids.k1 = build('k1', [`${project}-api:1`]);
    await sleep(1100);
    ids.k2 = build('k2', [`${project}-api:2`, `${project}-api:two`]);
    await sleep(1100);
    ids.k3 = build('k3', [`${project}-api:latest`]);
  }, 300_000);

  afterAll(async () => {
    const left = docker('images', '-q', '--no-trunc', '--filter', `label=dev.kiln.project=${project}`).split('\n').filter(Boolean);
    if (left.length) docker('rmi', '-f', ...new Set(left));
    await engine.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('listKilnImages: only this project by label; all lists more', async () => {
    const mine = await listKilnImages(engine, { project });
    expect(mine.map((i) => i.Id)).toEqual([ids.k3, ids.k2, ids.k1]);
    const filtered = await listKilnImages(engine, { project, filters: { reference: [`${project}-api:two`] } });
    expect(filtered.map((i) => i.RepoTags)).toEqual([[`${project}-api:two`]]);
    const all = await listKilnImages(engine, { project, all: true });
    expect(all.length).toBeGreaterThan(mine.length);
  });

  it('listKilnImages rejects an unknown filter with a usage diagnostic', async () => {
    await expect(listKilnImages(engine, { project, filters: { until: ['1h'] } })).rejects.toThrow(KilnError);
  });

  it('tagImage parses repo[:tag] and refuses bad references', async () => {
    await tagImage(engine, `${project}-api:1`, `${project}-other`);
    expect((await engine.inspectImage(`${project}-other:latest`))?.Id).toBe(ids.k1);
    await expect(tagImage(engine, `${project}-api:1`, 'Bad/UPPER:x')).rejects.toThrow('invalid reference format');
    await expect(tagImage(engine, `${project}-missing:1`, `${project}-x:1`)).rejects.toThrow(`no such image: ${project}-missing:1`);
  });

  it('removeImages untags and reports failures without stopping', async () => {
    const result = await removeImages(engine, [`${project}-other:latest`, `${project}-nope:1`]);
    expect(result.lines).toEqual([`Untagged: ${project}-other:latest`]);
    expect(result.failures).toHaveLength(1);
    expect(result.failures[0]?.message).toContain(`cannot remove ${project}-nope:1`);
  });

  it('planPrune + applyPrune remove superseded builds (each kiln tag by name, never forced), keep the current', async () => {
    const images = await listKilnImages(engine, { project });
    // Built without dev.kiln.repository (an older kiln): their tags prove the repository.
    const scope = pruneScope(project, [{ repository: `${project}-api`, tags: ['latest'], tagTemplates: ['${N}'] }]);
    const plan = planPrune(images, { scope, currentKeys: new Map([['api', 'k3']]), inUse: await engine.imagesInUse() });
    expect(plan.candidates.map((c) => [c.key, c.action, [...c.untag].sort()])).toEqual([
      ['k2', 'remove', [`${project}-api:2`, `${project}-api:two`]],
      ['k1', 'remove', [`${project}-api:1`]],
    ]);
    const result = await applyPrune(engine, scope, plan.candidates);
    expect(result.removed.map((c) => c.id)).toEqual([ids.k2, ids.k1]);
    expect(result.freedBytes).toBe(plan.candidates.reduce((n, c) => n + c.size, 0));
    const after = await listKilnImages(engine, { project });
    expect(after.map((i) => i.Id)).toEqual([ids.k3]);
  });
});
