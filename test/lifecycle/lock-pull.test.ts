// kiln lock / kiln pull / locked builds against the real engine and registries.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLock } from '../../src/lock/index.js';
import { parseEvents } from '../helpers/cli.js';
import { cleanup, fixture, type Fixture } from './fixture.js';

const manifest = (extra = ''): string =>
  `version: 1\nname: {{id}}\nimages:\n  app:\n    context: app\n    repository: {{id}}-app\n  tool:\n    context: tool\n    repository: {{id}}-tool\n${extra}`;

describe('kiln lock, pull and locked builds', () => {
  let f: Fixture;
  let base = '';
  const layers: Record<string, string[]> = {};
  const digests: Record<string, string> = {};

  const inspectLayers = (ref: string): string[] => JSON.parse(f.docker('image', 'inspect', '-f', '{{json .RootFS.Layers}}', ref)) as string[];
  const repoDigest = (ref: string): string => {
    const all = JSON.parse(f.docker('image', 'inspect', '-f', '{{json .RepoDigests}}', ref)) as string[];
    const name = ref.slice(0, ref.lastIndexOf(':'));
    return all.find((d) => d.startsWith(`${name}@`))!.split('@')[1]!;
  };
  /** Builds a marker image from busybox, tags and pushes it as `ref`. */
  const pushMarker = (marker: string, ref: string): void => {
    f.docker('build', '-q', '--network', 'none', '-t', ref, join(f.project.root, marker));
    f.docker('push', '-q', ref);
  };
  const build = async (args: string[] = []) => {
    const r = await f.kiln(['build', '--progress', 'json', ...args]);
    const events = parseEvents(r.stdout);
    const plan = events.find((e) => e.type === 'plan');
    const key = plan?.type === 'plan' ? plan.images.find((i) => i.name === 'app')?.key : undefined;
    return { ...r, key, events };
  };

  beforeAll(async () => {
    f = await fixture({
      files: {
        'images.yaml': manifest(),
        'tool/Dockerfile': `FROM ${process.env.KILN_TEST_BASE_IMAGE}\nCOPY f /f\n`,
        'tool/f': 'tool\n',
        'm1/Dockerfile': `FROM ${process.env.KILN_TEST_BASE_IMAGE}\nCOPY m /m\n`,
        'm1/m': 'marker one\n',
        'm2/Dockerfile': `FROM ${process.env.KILN_TEST_BASE_IMAGE}\nCOPY m /m\n`,
        'm2/m': 'marker two\n',
      },
    });
    base = `${f.s.registry}/${f.project.id}-base:1`;
    pushMarker('m1', base);
    digests.v1 = repoDigest(base);
    layers.v1 = inspectLayers(base);
    await f.project.write({ 'app/Dockerfile': `FROM ${base}\nCOPY f /f\n` });
  }, 300_000);

  afterAll(async () => {
    cleanup(f);
    await f.project.remove();
  });

  it('lock pins the registry base to its digest and the local-only base to its image ID', async () => {
    const r = await f.kiln(['lock']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lock = parseLock(readFileSync(join(f.project.root, 'kiln.lock'), 'utf8'), 'kiln.lock');
    expect(lock.bases.get(base)).toEqual({ kind: 'digest', digest: digests.v1 });
    const busyboxId = f.docker('image', 'inspect', '-f', '{{.Id}}', f.s.baseImage).trim();
    expect(lock.bases.get(f.s.baseImage)).toEqual({ kind: 'local', id: busyboxId });
    expect(r.stdout).toContain(`${base}: ${digests.v1} added`);
  });

  it('plan with a lock keys on the pins without pulling them', async () => {
    const pinned = `${base.slice(0, base.lastIndexOf(':'))}@${digests.v1}`;
    f.docker('rmi', base);
    try {
      const r = await f.kiln(['plan']);
      expect(r.code).toBe(0);
      expect(() => f.docker('image', 'inspect', pinned)).toThrow();
    } finally {
      f.docker('pull', '-q', base);
    }
  });

  it('a locked build sends the pinned reference: the tag moving (locally and in the registry) changes nothing', async () => {
    const first = await build();
    expect(first.code).toBe(0);
    expect(inspectLayers(`${f.project.id}-app:latest`).slice(0, layers.v1!.length)).toEqual(layers.v1);
    // Move the tag to other content everywhere; the lock still names v1's digest.
    pushMarker('m2', base);
    digests.v2 = repoDigest(base);
    layers.v2 = inspectLayers(base);
    expect(digests.v2).not.toBe(digests.v1);
    const again = await build(['--no-cache']);
    expect(again.code).toBe(0);
    expect(again.key).toBe(first.key);
    expect(inspectLayers(`${f.project.id}-app:latest`).slice(0, layers.v1!.length)).toEqual(layers.v1);

    // lock keeps existing pins; --update refreshes them, and the key follows.
    expect((await f.kiln(['lock'])).stdout).toContain(`${base}: ${digests.v1} unchanged`);
    const updated = await f.kiln(['lock', '--update']);
    expect(updated.stdout).toContain(`${base}: ${digests.v2} updated`);
    const third = await build();
    expect(third.code).toBe(0);
    expect(third.key).not.toBe(first.key);
    expect(inspectLayers(`${f.project.id}-app:latest`).slice(0, layers.v2!.length)).toEqual(layers.v2);
  });

  it('a local base that no longer matches its pin stops the build with a hint', async () => {
    const lockFile = join(f.project.root, 'kiln.lock');
    const text = readFileSync(lockFile, 'utf8');
    await f.project.write({ 'kiln.lock': text.replace(/id: sha256:[0-9a-f]{64}/, `id: sha256:${'0'.repeat(64)}`) });
    const r = await f.kiln(['build', '--progress', 'plain']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('kiln lock --update');
    await f.project.write({ 'kiln.lock': text });
  });

  it('pull by tag (no lock) and by digest (a FROM written with one), and the pinned digest with a lock', async () => {
    // With the lock: the pinned digest is pulled.
    f.docker('rmi', base);
    const locked = await f.kiln(['pull', 'app']);
    expect(locked.code).toBe(0);
    expect(locked.stdout).toContain(`${f.s.registry}/${f.project.id}-base@${digests.v2}: pulled sha256:`);

    rmSync(join(f.project.root, 'kiln.lock'));
    await f.project.write({
      'images.yaml': manifest(`  pinned:\n    context: pinned\n    repository: {{id}}-pinned\n`),
      'pinned/Dockerfile': `FROM ${f.s.registry}/${f.project.id}-base@${digests.v1}\n`,
    });
    for (const ref of [base, `${f.s.registry}/${f.project.id}-base@${digests.v1}`]) {
      try {
        f.docker('rmi', '-f', ref);
      } catch {
        // not there
      }
    }
    const r = await f.kiln(['pull']);
    expect(r.code).toBe(0);
    // The test busybox is an imported local image with no registry: a warning, not a failure.
    expect(r.stderr).toContain(`kiln: warning: ${f.s.baseImage} not pulled`);
    expect(r.stdout).toContain(`${base}: pulled sha256:`);
    expect(r.stdout).toContain(`${f.s.registry}/${f.project.id}-base@${digests.v1}: pulled sha256:`);
    expect(inspectLayers(base)).toEqual(layers.v2);
    expect(inspectLayers(`${f.s.registry}/${f.project.id}-base@${digests.v1}`)).toEqual(layers.v1);
  });

  it('a missing tag is a failed pull with the engine\'s message (exit 1)', async () => {
    await f.project.write({ 'app/Dockerfile': `FROM ${f.s.registry}/${f.project.id}-base:nope\nCOPY f /f\n` });
    const r = await f.kiln(['pull', 'app']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`cannot pull ${f.s.registry}/${f.project.id}-base:nope`);
    await f.project.write({ 'app/Dockerfile': `FROM ${base}\nCOPY f /f\n` });
  });
});
