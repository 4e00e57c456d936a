import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, linkSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** Who holds a project's run lock, as its file says. */
export interface LockOwner {
  pid: number;
  host: string;
  /** The command that holds it (`kiln build`). */
  command: string;
  /** When it was taken, ISO 8601. */
  started: string;
  /** Tells this holder's file from a later one of the same process. */
  token: string;
}

/** A held run lock. */
export interface ProjectLock {
  /**
   * How many times the project's lock was taken, this time included (`.kiln/run.seq`): a holder
   * whose number is one more than its own previous one knows no other run came in between.
   */
  seq: number;
  /** Removes the lock file if it is still this holder's; a second call does nothing. */
  release(): void;
}

/** Options of {@link acquireProjectLock}. */
export interface AcquireOptions {
  /** The project's root (the manifest's folder): the lock is `.kiln/run.lock` there. */
  root: string;
  /** What takes the lock, for the message another run prints (`kiln build`). */
  command: string;
  /** Stops waiting: the promise rejects with a {@link RunLockInterrupted}. */
  signal?: AbortSignal;
  /** Called once, when the lock is held by another live run and this one starts waiting. */
  onWait?: (owner: LockOwner) => void;
  /** How often to look again while waiting (default 100 ms). */
  pollMs?: number;
}

/** Waiting for the run lock was interrupted (Ctrl-C): nothing was done. */
export class RunLockInterrupted extends Error {
  constructor() {
    super('interrupted while waiting for another kiln run on this project');
    this.name = 'RunLockInterrupted';
  }
}

/** A lock file this young that cannot be read is being written, not abandoned. */
const UNREADABLE_GRACE_MS = 5_000;

/** The lock file of a project. */
export function runLockPath(root: string): string {
  return join(root, '.kiln', 'run.lock');
}

/** The one-line message a run prints while it waits for `owner`. */
export function waitingMessage(owner: LockOwner): string {
  const where = owner.host === hostname() ? '' : ` on ${owner.host}`;
  return `waiting for another kiln run on this project (pid ${owner.pid}${where}, ${owner.command}, since ${owner.started})`;
}

/**
 * Takes the project's run lock, so two kiln runs never change one project's images at once:
 * `.kiln/run.lock` is created exclusively with this process's pid, host, command and start time.
 * While another live run holds it, this waits (telling `onWait` once); a lock whose process is gone
 * (same host, no such pid) is taken over. The lock is also removed if the process exits while
 * holding it (a second Ctrl-C); only a SIGKILL leaves it behind, for the next run to take over.
 */
export async function acquireProjectLock(options: AcquireOptions): Promise<ProjectLock> {
  const path = runLockPath(options.root);
  mkdirSync(join(options.root, '.kiln'), { recursive: true });
  const mine: LockOwner = { pid: process.pid, host: hostname(), command: options.command, started: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), token: randomBytes(8).toString('hex') };
  const text = `${JSON.stringify(mine)}\n`;
  let told = false;
  for (;;) {
    if (options.signal?.aborted) throw new RunLockInterrupted();
    if (tryCreate(path, text)) return held(path, text);
    const owner = readOwner(path);
    if (owner === 'gone') continue;
    if (owner === 'unreadable' ? isOld(path) : isStale(owner)) {
      takeOver(path, owner);
      continue;
    }
    if (!told && owner !== 'unreadable') {
      told = true;
      options.onWait?.(owner);
    }
    await sleep(options.pollMs ?? 100, undefined, options.signal ? { signal: options.signal } : {}).catch(() => undefined);
  }
}

function tryCreate(path: string, text: string): boolean {
  try {
    writeFileSync(path, text, { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

function held(path: string, text: string): ProjectLock {
  const seqPath = join(path, '..', 'run.seq');
  let seq = 1;
  try {
    seq = (Number.parseInt(readFileSync(seqPath, 'utf8'), 10) || 0) + 1;
  } catch {
    // the first run of this project
  }
  writeFileSync(seqPath, `${seq}\n`);
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    process.off('exit', release);
    try {
      // Only our own file: a lock taken over after a mistaken stale check is someone else's now.
      if (readFileSync(path, 'utf8') === text) unlinkSync(path);
    } catch {
      // already gone
    }
  };
  process.on('exit', release);
  return { seq, release };
}

function readOwner(path: string): LockOwner | 'gone' | 'unreadable' {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw error;
  }
  try {
    const owner = JSON.parse(text) as Partial<LockOwner>;
    if (typeof owner.pid === 'number' && typeof owner.host === 'string' && typeof owner.token === 'string') {
      return { pid: owner.pid, host: owner.host, command: String(owner.command ?? 'kiln'), started: String(owner.started ?? '?'), token: owner.token };
    }
  } catch {
    // half written, or not ours
  }
  return 'unreadable';
}

/** A lock of this host whose process is gone. One of another host cannot be checked: it is waited for. */
function isStale(owner: LockOwner): boolean {
  if (owner.host !== hostname()) return false;
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function isOld(path: string): boolean {
  try {
    return Date.now() - statSync(path).mtimeMs > UNREADABLE_GRACE_MS;
  } catch {
    return false;
  }
}

/**
 * Moves the stale lock aside, atomically, then checks it moved the file it judged: if another run
 * took the lock over in between, its fresh lock was moved instead and is put back (link fails when
 * a third run already holds the path, which then keeps it).
 */
function takeOver(path: string, judged: LockOwner | 'unreadable'): void {
  const aside = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.stale`;
  try {
    renameSync(path, aside);
  } catch {
    return; // someone else moved it first; look again
  }
  const moved = readOwner(aside);
  const same = judged === 'unreadable' ? moved === 'unreadable' : moved !== 'gone' && moved !== 'unreadable' && moved.token === judged.token;
  if (!same) {
    try {
      linkSync(aside, path);
    } catch {
      // the path is held by a newer run
    }
  }
  try {
    unlinkSync(aside);
  } catch {
    // already gone
  }
}
