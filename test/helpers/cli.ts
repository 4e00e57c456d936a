import { spawn, type ChildProcess } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.js';
import type { BuildEvent } from '../../src/run/events.js';

/** What a CLI run printed and returned. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs kiln in-process, as `kiln ...args` in `cwd`, with captured non-TTY streams. */
export async function runCli(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; signal?: AbortSignal }): Promise<CliResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const env = { ...process.env, NO_COLOR: '1', ...options.env };
  const code = await main(args, { cwd: options.cwd, env, stdout, stderr, ...(options.signal ? { signal: options.signal } : {}) });
  return { code, stdout: out, stderr: err };
}

/** Parses `--progress json` output into events (lage's parseNdJson, in spirit). */
export function parseEvents(ndjson: string): BuildEvent[] {
  return ndjson
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as BuildEvent);
}

/** The built bin (npm test builds first, see `pretest`). */
export const kilnBin = fileURLToPath(new URL('../../bin/kiln.js', import.meta.url));

/** Starts the real `kiln` process (for signals and terminals). */
export function spawnKiln(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): ChildProcess {
  return spawn(process.execPath, [kilnBin, ...args], { cwd: options.cwd, env: { ...process.env, NO_COLOR: '1', ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
}
