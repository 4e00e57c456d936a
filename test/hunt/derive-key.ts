import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { StatCache, hashContext, walkContext } from '../../src/context/index.js';
import { computeKey } from '../../src/plan/cache-key.js';
import type { KeyRecord } from '../../src/plan/key-record.js';
import type { ImageEntry, ImageFolder } from './image-files.js';
import { sha256 } from './tree.js';

/**
 * The key kiln's own walk, hashing and key function give the files an image holds under `part/`
 * (its copy of a context, Dockerfile included) with a record's other inputs: equal to the record's
 * key exactly when the image holds what the key describes, modes and folders included, whatever
 * detail the record keeps. Undefined when the part holds no Dockerfile.
 */
export async function derivedKey(folder: ImageFolder, part: string, record: KeyRecord, manifestRefs: readonly string[]): Promise<string | undefined> {
  const dockerfile = folder.entries.find((e) => e.path === `${part}/Dockerfile` && e.type === 'file');
  if (!dockerfile) return undefined;
  const dir = await mkdtemp(join(tmpdir(), 'kiln-hunt-part-'));
  try {
    const folders: { path: string; mode: number }[] = [];
    for (const entry of folder.entries) {
      if (!entry.path.startsWith(`${part}/`)) continue;
      const path = join(dir, entry.path.slice(part.length + 1));
      await mkdir(dirname(path), { recursive: true });
      if (entry.type === 'directory') {
        await mkdir(path, { recursive: true });
        folders.push({ path, mode: entry.mode });
      } else if (entry.type === 'symlink') {
        await symlink(entry.linkname, path);
      } else {
        await writeFile(path, entry.content);
        await chmod(path, entry.mode & 0o7777);
      }
    }
    // Folder modes last, deepest first, so a read-only folder cannot block writing into it.
    for (const { path, mode } of folders.reverse()) await chmod(path, mode & 0o7777);
    const entries = await walkContext({ context: dir, dockerfile: 'Dockerfile' });
    const digest = await hashContext(entries, StatCache.memory());
    const { key: _key, dockerfileHash: _hash, files: _files, createdAt: _at, durationMs: _ms, ...inputs } = record;
    return computeKey({ ...inputs, dockerfile: keyedText(dockerfile, record, manifestRefs), contextDigest: digest.digest });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The Dockerfile text a key takes: the text on disk, or the one kiln sent when it pinned bases
 * (kiln.lock) before keying; a dependent's copy also has its manifest references pointed at exact
 * builds after keying, so its lines naming manifest images are taken from disk and the others
 * as sent. Whichever the record's hash names; the text on disk when none does.
 */
function keyedText(dockerfile: ImageEntry, record: KeyRecord, manifestRefs: readonly string[]): string {
  const original = dockerfile.content.toString('utf8');
  if (dockerfile.sent === undefined) return original;
  const sent = dockerfile.sent.toString('utf8');
  const sentLines = sent.split('\n');
  const merged = original
    .split('\n')
    .map((line, i) => (manifestRefs.some((ref) => line.includes(ref)) ? line : (sentLines[i] ?? line)))
    .join('\n');
  return [original, sent, merged].find((text) => sha256(text) === record.dockerfileHash) ?? original;
}
