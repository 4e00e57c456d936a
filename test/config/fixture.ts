import { mkdir, mkdtemp, realpath, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import { formatDiagnostics } from '../../src/diagnostics/print.js';
import { loadProject } from '../../src/config/load-project.js';
import type { LoadProjectOptions } from '../../src/config/load-project.js';

/** A temp folder holding `files` (path → content); folders are created as needed. */
export async function fixture(files: Record<string, string>): Promise<string> {
  const dir = await realpath(await mkdtemp(path.join(tmpdir(), 'kiln-config-')));
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), content);
  }
  return dir;
}

/** Loads `file` of `dir` with an empty environment unless given. */
export async function load(dir: string, options: Partial<LoadProjectOptions> = {}) {
  return loadProject({ file: 'images.yaml', cwd: dir, env: {}, ...options });
}

/** Loads and expects failure; returns the diagnostics printed without color, relative to `dir`. */
export async function errorsOf(dir: string, options: Partial<LoadProjectOptions> = {}): Promise<string> {
  const result = await load(dir, options);
  if (result.ok) throw new Error('expected the manifest to fail');
  return printed(result.error, dir);
}

/** Diagnostics as the CLI prints them, without color. */
export function printed(list: readonly Diagnostic[], cwd: string): string {
  return formatDiagnostics(list, { color: false, cwd });
}

/** Loads and expects success. */
export async function project(dir: string, options: Partial<LoadProjectOptions> = {}) {
  const result = await load(dir, options);
  if (!result.ok) throw new Error(printed(result.error, dir));
  return result.value;
}

/** Joins lines, so golden texts read as they print. */
export const lines = (...text: string[]): string => text.join('\n');

/** A Dockerfile body for fixtures. */
export const dockerfile = 'FROM busybox:latest\n';
