import type { BuildEvent } from '../../src/run/events.js';
import { parseEvents, spawnKiln } from '../helpers/cli.js';
import { services } from '../helpers/services.js';

/** One finished `kiln` process: what it was asked and what it said. */
export interface KilnRun {
  /** A name for messages: `concurrent#2`, `sequential#1`. */
  label: string;
  args: string[];
  /** The `--var` values it was given. */
  vars: Record<string, string>;
  code: number | null;
  events: BuildEvent[];
  stderr: string;
}

/** The events that claim an image: `built` and `cached`. */
export type Claim = Extract<BuildEvent, { type: 'built' | 'cached' }>;

/** The built and cached events of a run. */
export function claims(run: KilnRun): Claim[] {
  return run.events.filter((e): e is Claim => e.type === 'built' || e.type === 'cached');
}

/** `--var K=V` arguments for the values. */
export function varArgs(vars: Record<string, string>): string[] {
  return Object.entries(vars).flatMap(([k, v]) => ['--var', `${k}=${v}`]);
}

/** Starts the real `bin/kiln.js` (dist/ must be built) with `--progress json`; resolves when it exits. */
export function startKiln(
  root: string,
  label: string,
  command: string[],
  vars: Record<string, string> = {},
  onEvent?: (event: BuildEvent) => void,
): Promise<KilnRun> {
  const args = [...command, '--progress', 'json', ...varArgs(vars)];
  const child = spawnKiln(args, { cwd: root, env: { DOCKER_HOST: services().dockerHost } });
  const events: BuildEvent[] = [];
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    const lines = (stdout + chunk.toString()).split('\n');
    stdout = lines.pop() ?? '';
    for (const event of parseEvents(lines.join('\n'))) {
      events.push(event);
      onEvent?.(event);
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      events.push(...parseEvents(stdout));
      resolve({ label, args, vars, code, events, stderr });
    });
  });
}

/** One line per image: what a run said of it, for failure messages. */
export function summary(run: KilnRun): string {
  const lines = run.events
    .filter((e) => e.type === 'built' || e.type === 'cached' || e.type === 'failed' || e.type === 'skipped')
    .map((e) => {
      if (e.type === 'built' || e.type === 'cached') return `${e.image} ${e.type} ${e.key.slice(0, 10)} ${e.id.slice(7, 19)}`;
      if (e.type === 'failed') return `${e.image} failed: ${e.error.split('\n')[0]}`;
      return `${e.image} skipped: ${e.reason}`;
    });
  return `${run.label} [${run.args.join(' ')}] exit ${run.code}: ${lines.join('; ')}${run.code !== 0 ? ` | stderr: ${run.stderr.trim().slice(0, 400)}` : ''}`;
}
