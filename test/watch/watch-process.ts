import type { ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { spawnKiln } from '../helpers/cli.js';
import { services } from '../helpers/services.js';
import type { BuildEvent } from '../../src/run/events.js';

/** A running `kiln watch --progress json`, its events parsed as they arrive. */
export interface WatchProcess {
  events: BuildEvent[];
  stderr(): string;
  /** Resolves with the first event (from index `from`) that matches, or rejects after `timeoutMs`. */
  waitFor(match: (event: BuildEvent) => boolean, options?: { from?: number; timeoutMs?: number }): Promise<BuildEvent>;
  /** The `done` of a round. */
  roundDone(round: number, timeoutMs?: number): Promise<Extract<BuildEvent, { type: 'done' }>>;
  /** Events of one round. */
  round(round: number): BuildEvent[];
  /** Sends SIGINT (Ctrl-C) and resolves with the exit code. */
  interrupt(): Promise<number | null>;
  child: ChildProcess;
}

/** Starts `kiln watch --progress json` in `cwd` against the test engine. */
export function startWatch(cwd: string, args: string[] = []): WatchProcess {
  const child = spawnKiln(['watch', '--progress', 'json', ...args], { cwd, env: { DOCKER_HOST: services().dockerHost } });
  const events: BuildEvent[] = [];
  let err = '';
  let partial = '';
  const listeners = new Set<() => void>();
  child.stdout!.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) if (line.trim() !== '') events.push(JSON.parse(line) as BuildEvent);
    for (const listener of listeners) listener();
  });
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  exited.then(() => {
    for (const listener of listeners) listener();
  }, () => undefined);

  const waitFor: WatchProcess['waitFor'] = (match, options = {}) =>
    new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = events.slice(options.from ?? 0).find(match);
        if (found) {
          cleanup();
          resolve(found);
          return true;
        }
        if (child.exitCode !== null) {
          cleanup();
          reject(new Error(`kiln watch exited ${child.exitCode} before the expected event\n${err}\n${JSON.stringify(events.map((e) => `${e.round}:${e.type}:${'image' in e ? e.image : ''}`))}`));
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out waiting for an event\nstderr: ${err}\nevents: ${JSON.stringify(events.map((e) => `${e.round}:${e.type}:${'image' in e ? e.image : ''}`))}`));
      }, options.timeoutMs ?? 60_000);
      const cleanup = (): void => {
        clearTimeout(timer);
        listeners.delete(listener);
      };
      const listener = (): void => void check();
      listeners.add(listener);
      check();
    });

  return {
    events,
    child,
    stderr: () => err,
    waitFor,
    roundDone: async (round, timeoutMs) => (await waitFor((e) => e.type === 'done' && e.round === round, timeoutMs === undefined ? {} : { timeoutMs })) as Extract<BuildEvent, { type: 'done' }>,
    round: (round) => events.filter((e) => e.round === round),
    interrupt: async () => {
      if (child.exitCode === null) child.kill('SIGINT');
      return exited;
    },
  };
}

/** Images a round sent to the engine (`start`), sorted. */
export function startedIn(events: BuildEvent[]): string[] {
  return events.flatMap((e) => (e.type === 'start' ? [e.image] : [])).sort();
}

/** Whether any process on this machine (the engine's build containers included) has `marker` in its command line. */
export function processRunning(marker: string): boolean {
  const out = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
  return out.split('\n').some((line) => line.includes(marker) && !line.includes('ps -eo'));
}

/** Resolves after `ms`. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
