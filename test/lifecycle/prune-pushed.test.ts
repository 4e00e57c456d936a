// `kiln prune` after `kiln push`: an old build holds kiln's content tag and a registry digest, both
// kiln's own, so it goes without force; the current build keeps every reference.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine/engine.js';
import { realEngine } from '../helpers/services.js';
import { cleanup, fixture, type Fixture } from './fixture.js';

describe('kiln prune after kiln push', () => {
  let f: Fixture;
  let engine: Engine;
  let repo = '';
  const ids: string[] = [];

  beforeAll(async () => {
    f = await fixture();
    repo = `${f.s.registry}/${f.project.id}/app`;
    await f.project.write({ 'images.yaml': `version: 1\nname: {{id}}\nimages:\n  app:\n    context: app\n    repository: ${repo}\n    tags: [latest]\n` });
    engine = realEngine();
    for (const content of ['p1', 'p2']) {
      await f.project.write({ 'app/f': content });
      const r = await f.kiln(['push', '--progress', 'plain']);
      expect(r.code, r.stderr).toBe(0);
      ids.push((await engine.inspectImage(`${repo}:latest`))!.Id);
    }
  }, 300_000);

  afterAll(async () => {
    cleanup(f);
    await engine.close();
    await f.project.remove();
  });

  it('the old build holds only kiln references (a content tag, a digest): removed, never forced; the current keeps all', async () => {
    const old = (await engine.inspectImage(ids[0]!))!;
    expect(old.RepoTags.every((t) => t.startsWith(`${repo}:kiln-`))).toBe(true);
    expect(old.RepoDigests.length).toBeGreaterThan(0);
    const dry = await f.kiln(['prune', '--dry-run']);
    expect(dry.stdout).toContain(`Would remove:\n  ${ids[0]!.slice(7, 19)}  app  key `);
    const r = await f.kiln(['prune', '--force']);
    expect(r.code, r.stderr).toBe(0);
    expect(await engine.inspectImage(ids[0]!)).toBeUndefined();
    const current = (await engine.inspectImage(ids[1]!))!;
    expect(current.RepoTags).toContain(`${repo}:latest`);
    expect(current.RepoDigests.length).toBeGreaterThan(0);
  });
});
