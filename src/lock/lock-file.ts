// kiln.lock: the external base images of a project pinned to exact content.
//
// Format (YAML, written next to the manifest):
//
//   version: 1
//   bases:
//     127.0.0.1:5000/acme/base:1: sha256:…            # registry base: its manifest (or index) digest
//     busybox:latest: { id: sha256:…, local: true }    # local-only image: its image ID
//
// A registry base is pinned twice: its digest goes into the cache key, and the Dockerfile sent to
// the engine names `repository@digest` instead of the tag, so the build uses exactly that content.
// A local-only image (imported, never pushed: no registry digest exists) keeps its reference in
// the Dockerfile; its image ID goes into the key, and a build refuses to run when the reference
// points at another image than the recorded one (`kiln lock --update` records the new one).
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { diagnostic, KilnError } from '../diagnostics/diagnostic.js';

/** How one base image is pinned. */
export type LockedBase =
  /** A registry manifest (or index) digest. */
  | { kind: 'digest'; digest: string }
  /** A local-only image, by its image ID. */
  | { kind: 'local'; id: string };

/** The contents of kiln.lock. */
export interface LockFile {
  version: 1;
  /** Pins by the reference the Dockerfiles use (ARG-expanded), sorted. */
  bases: Map<string, LockedBase>;
}

/** The lock file's name. */
export const lockFileName = 'kiln.lock';

/** Where the project's lock lives: next to the manifest. */
export function lockPath(root: string): string {
  return join(root, lockFileName);
}

const sha256 = /^sha256:[0-9a-f]{64}$/;

/** Reads the project's kiln.lock; undefined when there is none. Throws a usage KilnError for a malformed one. */
export async function readLock(root: string): Promise<LockFile | undefined> {
  const file = lockPath(root);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return parseLock(text, file);
}

/** Parses kiln.lock text; `file` names it in diagnostics. */
export function parseLock(text: string, file: string): LockFile {
  const bad = (message: string): KilnError =>
    new KilnError(diagnostic('usage', `${file}: ${message}`, { location: { file, line: 1, column: 1 }, hint: 'Recreate it with kiln lock --update.' }));
  let value: unknown;
  try {
    value = parse(text);
  } catch (error) {
    throw bad(`not valid YAML (${(error as Error).message.split('\n')[0]})`);
  }
  if (typeof value !== 'object' || value === null) throw bad('expected a mapping with version and bases');
  const { version, bases } = value as { version?: unknown; bases?: unknown };
  if (version !== 1) throw bad(`unsupported version ${JSON.stringify(version)} (expected 1)`);
  const result = new Map<string, LockedBase>();
  if (bases !== undefined && bases !== null) {
    if (typeof bases !== 'object' || Array.isArray(bases)) throw bad('bases must be a mapping of reference to digest');
    for (const [ref, entry] of Object.entries(bases)) {
      if (typeof entry === 'string' && sha256.test(entry)) result.set(ref, { kind: 'digest', digest: entry });
      else if (typeof entry === 'object' && entry !== null && (entry as { local?: unknown }).local === true && sha256.test(String((entry as { id?: unknown }).id))) {
        result.set(ref, { kind: 'local', id: String((entry as { id: string }).id) });
      } else throw bad(`bases.${ref}: expected a sha256 digest, or { id: sha256:…, local: true }`);
    }
  }
  return { version: 1, bases: result };
}

/** The text of a lock file. */
export function formatLock(lock: LockFile): string {
  const bases: Record<string, string | { id: string; local: true }> = {};
  for (const ref of [...lock.bases.keys()].sort()) {
    const entry = lock.bases.get(ref)!;
    bases[ref] = entry.kind === 'digest' ? entry.digest : { id: entry.id, local: true };
  }
  const header = '# kiln.lock: external base images pinned by `kiln lock`; refresh with `kiln lock --update`.\n';
  return header + stringify({ version: 1, bases }, { lineWidth: 0 });
}

/** Writes the project's kiln.lock. */
export async function writeLock(root: string, lock: LockFile): Promise<void> {
  await writeFile(lockPath(root), formatLock(lock));
}
