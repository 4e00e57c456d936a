import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A file tree as path → fingerprint, in the form kiln's key records use (`file:644:<sha256>`,
 * `symlink:777:<sha256 of the target>`, `directory:755:`), normalized so the same content from
 * a record, a disk walk or an image's tar compares equal (see {@link fingerprint}).
 */
export type Tree = Map<string, string>;

/** sha256 hex of bytes or text. */
export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * The comparable form of an entry: files by permission bits and content, symlinks by target,
 * directories by existence only (COPY creates the destination folder itself with its own mode).
 */
export function fingerprint(type: string, mode: number, contentHash: string): string {
  if (type === 'directory') return 'directory';
  if (type === 'symlink') return `symlink:${contentHash}`;
  return `${type}:${(mode & 0o7777).toString(8)}:${contentHash}`;
}

/**
 * A key record's `files` map in comparable form, and whether it is coarse: a record may keep
 * only each entry's content hash (no type, mode or directories), and is then compared as such.
 */
export function recordTree(files: Record<string, string>): { tree: Tree; coarse: boolean } {
  const tree: Tree = new Map();
  let coarse = false;
  for (const [path, entry] of Object.entries(files)) {
    if (/^[0-9a-f]{64}$/.test(entry)) {
      coarse = true;
      tree.set(path, `content:${entry}`);
      continue;
    }
    const [type = '', mode = '0', hash = ''] = entry.split(':');
    tree.set(path, fingerprint(type, Number.parseInt(mode, 8), hash));
  }
  return { tree, coarse };
}

/** A tree at a coarse record's level of detail: content hashes of files and symlinks, no directories. */
export function coarsen(tree: Tree): Tree {
  const out: Tree = new Map();
  for (const [path, entry] of tree) {
    if (entry === 'directory') continue;
    out.set(path, entry.startsWith('content:') ? entry : `content:${entry.slice(entry.lastIndexOf(':') + 1)}`);
  }
  return out;
}

/**
 * What docker sends of a generated context, computed by the test on its own: everything but the
 * top-level `ignored/` folder and top-level `*.tmp` files, the two patterns the generated
 * `.dockerignore` holds.
 */
export function diskTree(context: string): Tree {
  const tree: Tree = new Map();
  const walk = (dir: string, prefix: string) => {
    for (const name of readdirSync(dir).sort()) {
      const rel = prefix === '' ? name : `${prefix}/${name}`;
      if (prefix === '' && (name === 'ignored' || name.endsWith('.tmp'))) continue;
      const abs = join(dir, name);
      const stat = lstatSync(abs);
      if (stat.isSymbolicLink()) tree.set(rel, fingerprint('symlink', stat.mode, sha256(readlinkSync(abs))));
      else if (stat.isDirectory()) {
        tree.set(rel, fingerprint('directory', stat.mode, ''));
        walk(abs, rel);
      } else tree.set(rel, fingerprint('file', stat.mode, sha256(readFileSync(abs))));
    }
  };
  walk(context, '');
  return tree;
}

/** The entries of `tree` under `prefix/`, with the prefix removed. */
export function subtree(tree: Tree, prefix: string): Tree {
  const sub: Tree = new Map();
  for (const [path, entry] of tree) if (path.startsWith(`${prefix}/`)) sub.set(path.slice(prefix.length + 1), entry);
  return sub;
}

/** Human-readable differences, `expected` being what the key says and `actual` what is there. */
export function diffTrees(expected: Tree, actual: Tree): string[] {
  const lines: string[] = [];
  for (const [path, want] of expected) {
    const have = actual.get(path);
    if (have === undefined) lines.push(`${path}: missing (key says ${short(want)})`);
    else if (have !== want) lines.push(`${path}: ${short(have)} but key says ${short(want)}`);
  }
  for (const [path, have] of actual) if (!expected.has(path)) lines.push(`${path}: present (${short(have)}) but not in the key`);
  return lines;
}

function short(entry: string): string {
  return entry.replace(/[0-9a-f]{64}/g, (h) => h.slice(0, 10));
}
