import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runLockPath } from '../../src/run/project-lock.js';
import { runCli } from '../helpers/cli.js';
import { services } from '../helpers/services.js';
import { buildJson, engineEnv, projectsOnEngine } from '../build/fixture.js';
import { startWatch } from '../watch/watch-process.js';
import { dependencyRefsLeft, layeredProject } from './fixture.js';

const WAITING = /^waiting for another kiln run on this project \(pid \d+, kiln build, since 2026-01-01T00:00:00Z\)$/m;

/** Which commands take the project's run lock, held here by a live process that is not kiln. */
describe('commands and the project run lock (real engine)', () => {
  const { engine, project } = projectsOnEngine();
  const holders: ChildProcess[] = [];
  afterAll(() => {
    for (const h of holders) h.kill();
  });

  /** Writes a lock held by a live process of this host. */
  function holdLock(root: string): void {
    const holder = spawn('sleep', ['300'], { stdio: 'ignore' });
    holders.push(holder);
    mkdirSync(join(root, '.kiln'), { recursive: true });
    writeFileSync(runLockPath(root), JSON.stringify({ pid: holder.pid, host: hostname(), command: 'kiln build', started: '2026-01-01T00:00:00Z', token: 'held' }));
  }

  /** Runs a command, interrupting it after `ms`: what it printed and its exit code. */
  async function runFor(root: string, args: string[], ms: number) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), ms);
    try {
      return await runCli(args, { cwd: root, env: engineEnv(), signal: controller.signal });
    } finally {
      clearTimeout(timer);
    }
  }

  it('build, push, tag, reconcile --apply, prune and rm of a project image wait (one line on stderr); Ctrl-C while waiting exits 130', async () => {
    const p = await project(layeredProject());
    expect((await buildJson(p)).code).toBe(0);
    holdLock(p.root);
    const image = `${services().registry}/${p.id}/app:latest`;
    for (const args of [['build'], ['push'], ['tag'], ['reconcile', '--apply'], ['prune', '--force'], ['rm', image]]) {
      const result = await runFor(p.root, [...args, ...(args[0] === 'build' || args[0] === 'push' ? ['--progress', 'plain'] : [])], 700);
      expect({ args, code: result.code, waited: WAITING.test(result.stderr) }).toEqual({ args, code: 130, waited: true });
      expect(result.stderr.match(/waiting for another kiln run/g)).toHaveLength(1);
    }
  });

  it('plan, validate, ls, graph, reconcile without --apply and prune --dry-run never wait', async () => {
    const p = await project(layeredProject());
    expect((await buildJson(p)).code).toBe(0);
    holdLock(p.root);
    for (const args of [['plan'], ['validate'], ['ls'], ['graph', '--format', 'json'], ['reconcile'], ['prune', '--dry-run'], ['rm', 'kiln-no-such-image:none']]) {
      const result = await runFor(p.root, args, 30_000);
      expect({ args, waited: WAITING.test(result.stderr), interrupted: result.code === 130 }).toEqual({ args, waited: false, interrupted: false });
    }
  });

  it('watch holds the lock per round, so kiln build runs between rounds', async () => {
    const p = await project(layeredProject());
    const watch = startWatch(p.root);
    try {
      await watch.roundDone(1, 60_000);
      // The round releases the lock just after its `done` (its temporary references go first); the
      // build then runs to its end while the watch goes on watching.
      const between = await runCli(['build', '--progress', 'plain'], { cwd: p.root, env: engineEnv() });
      expect(between.code).toBe(0);
      expect(between.stdout).toMatch(/done: 0 built, 3 cached/);
      expect(watch.child.exitCode).toBeNull();
      // The round removed the temporary references its dependent was built on.
      expect(await dependencyRefsLeft(engine, p.id)).toEqual([]);
    } finally {
      expect(await watch.interrupt()).toBe(0);
    }
  });
});
