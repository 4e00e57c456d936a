import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireProjectLock, runLockPath, RunLockInterrupted, waitingMessage, type LockOwner } from '../../src/run/project-lock.js';
import { tempProject } from '../helpers/project.js';

/** A pid that is not running: a finished child's. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '0']);
  return child.pid!;
}

function writeLock(root: string, owner: Partial<LockOwner>): void {
  mkdirSync(join(root, '.kiln'), { recursive: true });
  writeFileSync(runLockPath(root), JSON.stringify({ host: hostname(), command: 'kiln build', started: '2026-01-01T00:00:00Z', token: 'x', ...owner }));
}

describe('the project run lock (.kiln/run.lock)', () => {
  it('is created exclusively with pid, host, command and start time, and removed on release', async () => {
    const p = await tempProject({});
    const lock = await acquireProjectLock({ root: p.root, command: 'kiln build' });
    const owner = JSON.parse(readFileSync(runLockPath(p.root), 'utf8')) as LockOwner;
    expect(owner).toMatchObject({ pid: process.pid, host: hostname(), command: 'kiln build' });
    expect(owner.started).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    lock.release();
    expect(existsSync(runLockPath(p.root))).toBe(false);
    lock.release(); // twice is harmless
    await p.remove();
  });

  it('makes a second taker wait, telling it once who holds the lock, until it is released', async () => {
    const p = await tempProject({});
    const first = await acquireProjectLock({ root: p.root, command: 'kiln build' });
    const told: LockOwner[] = [];
    let second: { seq: number; release(): void } | undefined;
    const waiting = acquireProjectLock({ root: p.root, command: 'kiln push', onWait: (o) => told.push(o), pollMs: 20 }).then((l) => (second = l));
    await new Promise((r) => setTimeout(r, 200));
    expect(second).toBeUndefined();
    expect(told).toHaveLength(1);
    expect(waitingMessage(told[0]!)).toBe(`waiting for another kiln run on this project (pid ${process.pid}, kiln build, since ${told[0]!.started})`);
    first.release();
    await waiting;
    expect(second!.seq).toBe(first.seq + 1);
    second!.release();
    await p.remove();
  });

  it('takes over a lock whose process is gone, and waits for a live one of another host', async () => {
    const p = await tempProject({});
    writeLock(p.root, { pid: deadPid() });
    const told: LockOwner[] = [];
    const lock = await acquireProjectLock({ root: p.root, command: 'kiln build', onWait: (o) => told.push(o) });
    expect(told).toEqual([]);
    expect(JSON.parse(readFileSync(runLockPath(p.root), 'utf8'))).toMatchObject({ pid: process.pid });
    lock.release();

    writeLock(p.root, { pid: deadPid(), host: 'another-host' });
    const controller = new AbortController();
    const waiting = acquireProjectLock({ root: p.root, command: 'kiln build', signal: controller.signal, onWait: (o) => told.push(o), pollMs: 20 });
    await new Promise((r) => setTimeout(r, 100));
    expect(waitingMessage(told[0]!)).toMatch(/^waiting for another kiln run on this project \(pid \d+ on another-host, kiln build, since 2026-01-01T00:00:00Z\)$/);
    // Ctrl-C while waiting: nothing taken, the other's lock untouched.
    controller.abort();
    await expect(waiting).rejects.toBeInstanceOf(RunLockInterrupted);
    expect(JSON.parse(readFileSync(runLockPath(p.root), 'utf8'))).toMatchObject({ host: 'another-host' });
    await p.remove();
  });

  it('is removed when the holding process exits without releasing it (a second Ctrl-C exits at once)', async () => {
    const p = await tempProject({});
    // The built module (npm run build), as bin/kiln.js loads it.
    const module = new URL('../../dist/run/project-lock.js', import.meta.url).pathname;
    const script = `import { acquireProjectLock } from ${JSON.stringify(module)};\nawait acquireProjectLock({ root: ${JSON.stringify(p.root)}, command: 'kiln build' });\nconsole.log('held');\nsetTimeout(() => process.exit(130), 50);\n`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect({ code, out, err }).toMatchObject({ code: 130, out: 'held\n' });
    expect(existsSync(runLockPath(p.root))).toBe(false);
    await p.remove();
  });

  it('hunts: concurrent takers with random hold times never hold it at once', async () => {
    const p = await tempProject({});
    let holders = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 12 }, async (_, i) => {
        await new Promise((r) => setTimeout(r, Math.random() * 50));
        const lock = await acquireProjectLock({ root: p.root, command: `kiln build ${i}`, pollMs: 5 });
        most = Math.max(most, ++holders);
        await new Promise((r) => setTimeout(r, Math.random() * 20));
        holders--;
        lock.release();
      }),
    );
    expect(most).toBe(1);
    expect(existsSync(runLockPath(p.root))).toBe(false);
    await p.remove();
  });

  it('hunts across processes: takers killed while holding it (SIGKILL) are taken over, and no two live holders overlap', async () => {
    const p = await tempProject({});
    const module = new URL('../../dist/run/project-lock.js', import.meta.url).pathname;
    const log = join(p.root, 'log');
    writeFileSync(log, '');
    // Each holder appends `in PID` and, after a random hold, `out PID`; a killed one never writes `out`.
    const script = `import { acquireProjectLock } from ${JSON.stringify(module)};\nimport { appendFileSync } from 'node:fs';\nconst lock = await acquireProjectLock({ root: ${JSON.stringify(p.root)}, command: 'kiln build', pollMs: 10 });\nappendFileSync(${JSON.stringify(log)}, 'in ' + process.pid + '\\n');\nconsole.log('held');\nawait new Promise((r) => setTimeout(r, 20 + Math.random() * 60));\nappendFileSync(${JSON.stringify(log)}, 'out ' + process.pid + '\\n');\nlock.release();\n`;
    const children = Array.from({ length: 8 }, (_, i) => {
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
      // Every third one is killed as soon as it holds the lock.
      if (i % 3 === 0) child.stdout.on('data', () => child.kill('SIGKILL'));
      return new Promise<void>((resolve) => child.on('exit', () => resolve()));
    });
    await Promise.all(children);
    const lines = readFileSync(log, 'utf8').trim().split('\n');
    expect(lines.filter((l) => l.startsWith('in '))).toHaveLength(8);
    // Between an `in` and the next `in`, only that holder's `out` may appear.
    let holder: string | undefined;
    for (const line of lines) {
      const [what, pid] = line.split(' ');
      if (what === 'out') expect(pid).toBe(holder);
      holder = what === 'in' ? pid : undefined;
    }
    // The last holder may have been a killed one: its lock stays, and is taken over at once.
    const told: LockOwner[] = [];
    const last = await acquireProjectLock({ root: p.root, command: 'kiln build', onWait: (o) => told.push(o) });
    expect(told).toEqual([]);
    last.release();
    expect(existsSync(runLockPath(p.root))).toBe(false);
    await p.remove();
  });
});
