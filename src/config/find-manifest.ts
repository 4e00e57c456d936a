import { statSync } from 'node:fs';
import path from 'node:path';
import { diagnostic } from '../diagnostics/diagnostic.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { fail, ok } from '../util/result.js';
import type { Result } from '../util/result.js';

/** Manifest file names, in the order they win within one folder. */
export const manifestNames = [
  'images.yaml',
  'images.yml',
  'kiln.config.ts',
  'kiln.config.mts',
  'kiln.config.js',
  'kiln.config.mjs',
] as const;

/** The manifest to load: `explicit` (from -f) if given, else the first found searching upward from `cwd`. */
export function findManifest(cwd: string, explicit?: string): Result<string, Diagnostic[]> {
  if (explicit !== undefined) {
    const file = path.resolve(cwd, explicit);
    if (isFile(file)) return ok(file);
    return fail([
      diagnostic('usage', `manifest "${explicit}" not found`, {
        hint: `-f takes a path to images.yaml or kiln.config.ts, relative to ${cwd}`,
      }),
    ]);
  }
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    const found = manifestNames.map((name) => path.join(dir, name)).find(isFile);
    if (found) return ok(found);
    if (path.dirname(dir) === dir) break;
  }
  return fail([
    diagnostic('usage', `no manifest found in ${path.resolve(cwd)} or any folder above it`, {
      hint: `create images.yaml (or kiln.config.ts), or point at one with -f FILE; looked for ${manifestNames.join(', ')}`,
    }),
  ]);
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}
