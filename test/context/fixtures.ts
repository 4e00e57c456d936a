import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { hashContext } from '../../src/context/hash.js';
import { StatCache } from '../../src/context/stat-cache.js';
import type { HashedContext } from '../../src/context/verify.js';
import type { ContextEntry } from '../../src/context/walk.js';

/** A file tree for a test: path → content, or `{ link }` for a symlink. A path ending in `/` is an empty folder. */
export type Tree = Record<string, string | Buffer | { link: string }>;

/** Creates a temporary folder holding the tree; call `cleanup` in afterEach. */
export async function makeTree(tree: Tree): Promise<{ root: string; cleanup: () => Promise<void> }> {
  const root = await mkdtemp(path.join(tmpdir(), 'kiln-ctx-'));
  await writeTree(root, tree);
  return { root, cleanup: () => rm(root, { recursive: true, force: true }) };
}

/** Writes (or overwrites) files of a tree under root. */
export async function writeTree(root: string, tree: Tree): Promise<void> {
  for (const [name, content] of Object.entries(tree)) {
    const file = path.join(root, name);
    await mkdir(name.endsWith('/') ? file : path.dirname(file), { recursive: true });
    if (name.endsWith('/')) continue;
    if (typeof content === 'object' && 'link' in content) await symlink(content.link, file);
    else await writeFile(file, content);
  }
}

/** What a key hashes of walked entries (no stat cache), as contextTar takes it. */
export async function hashedOf(entries: readonly ContextEntry[], root?: string): Promise<HashedContext> {
  const digest = await hashContext(entries, StatCache.memory());
  return { files: digest.files, hashedAt: digest.hashedAt, ...(root ? { root } : {}) };
}
