// `kiln prune` on a store holding other projects' images and an image a container uses.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prune } from '../../src/cli/commands/prune.js';
import { cleanup, fixture, type Fixture } from './fixture.js';

describe('kiln prune', () => {
  let f: Fixture;
  const ids: string[] = [];
  let other = '';
  let container = '';
  const exists = (id: string): boolean => f.docker('images', '-q', '--no-trunc').includes(id);

  beforeAll(async () => {
    f = await fixture();
    for (const content of ['b1', 'b2', 'b3']) {
      await f.project.write({ 'app/f': content });
      expect((await f.kiln(['build', '--progress', 'plain'])).code).toBe(0);
      ids.push(f.docker('image', 'inspect', '-f', '{{.Id}}', `${f.project.id}-app:latest`).trim());
      await new Promise((r) => setTimeout(r, 1100));
    }
    // Another project's old build of an image also called "app".
    const dir = join(f.project.root, 'other');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'f'), 'other');
    writeFileSync(join(dir, 'Dockerfile'), `FROM ${f.s.baseImage}\nCOPY f /f\n`);
    const labels = ['--label', `dev.kiln.project=${f.project.id}-other`, '--label', 'dev.kiln.image=app', '--label', 'dev.kiln.key=old'];
    other = f.docker('build', '-q', '--network', 'none', ...labels, dir).trim();
    // The oldest build is used by a created (never started) container.
    container = f.docker('create', '--network', 'none', ids[0]!, 'true').trim();
  }, 300_000);

  afterAll(async () => {
    if (container) f.docker('rm', '-f', container);
    cleanup(f);
    try {
      f.docker('rmi', '-f', other);
    } catch {
      // removed already
    }
    await f.project.remove();
  });

  it('without a terminal and without --force: refuses, removes nothing', async () => {
    const r = await f.kiln(['prune']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('refusing to remove 1 image(s) without confirmation');
    expect(r.stderr).toContain('--force');
    expect(ids.every(exists)).toBe(true);
  });

  it('--dry-run lists the superseded build to remove, the one in use as kept, and removes nothing', async () => {
    const r = await f.kiln(['prune', '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`Would remove:\n  ${ids[1]!.slice(7, 19)}  app  key [0-9a-f]{12}  <untagged>  `));
    expect(r.stdout).toMatch(new RegExp(`Would keep:\n  ${ids[0]!.slice(7, 19)}  app  .*\\(kept: in use by a container\\)\n`));
    expect(r.stdout).not.toContain(ids[2]!.slice(7, 19));
    expect(r.stdout).toContain('Would reclaim:');
    expect(ids.every(exists)).toBe(true);
  });

  it('on a terminal it asks; "n" removes nothing', async () => {
    const stdin = Object.assign(new PassThrough(), { isTTY: true });
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let err = '';
    stderr.on('data', (c: Buffer) => (err += c.toString()));
    stdout.resume();
    stdin.end('n\n');
    const code = await prune({ cwd: f.project.root, env: { ...process.env, ...f.env }, stdin, stdout, stderr }, {});
    expect(code).toBe(0);
    expect(err).toContain('Remove 1 image(s)');
    expect(err).toContain('Nothing removed.');
    expect(ids.every(exists)).toBe(true);
  });

  it('--keep 2 keeps the newest two builds (the current counted): nothing else to remove but the one in use', async () => {
    const r = await f.kiln(['prune', '--keep', '2', '--force']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('Nothing to prune.\n');
    expect(ids.every(exists)).toBe(true);
  });

  it('--force removes the superseded build only: never the current, the in-use one, or another project\'s', async () => {
    const r = await f.kiln(['prune', '--force']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Deleted Images:');
    expect(r.stdout).toContain(ids[1]!.slice(7, 19));
    expect(r.stdout).toMatch(/Total reclaimed space: \d/);
    expect(exists(ids[1]!)).toBe(false);
    expect(exists(ids[0]!)).toBe(true);
    expect(exists(ids[2]!)).toBe(true);
    expect(exists(other)).toBe(true);
  });

  it('--all --until in the future still never touches the in-use build or the other project', async () => {
    const r = await f.kiln(['prune', '--all', '--force', '--until', '0s']);
    expect(r.code).toBe(0);
    expect(exists(ids[0]!)).toBe(true);
    expect(exists(ids[2]!)).toBe(true);
    expect(exists(other)).toBe(true);
  });
});
