import { createHash } from 'node:crypto';
import { appendFile, chmod, lstat, mkdir, readdir, rm, stat, symlink, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadKeyRecord } from '../../src/plan/key-record.js';
import type { BuildEvent } from '../../src/run/events.js';
import type { TempProject } from '../helpers/project.js';
import { imageFiles } from '../helpers/image-files.js';
import { services } from '../helpers/services.js';
import { builders, buildJson, manifest, processWithMarker, projectsOnEngine, waitFor } from './fixture.js';

// Hunts wrong images from edits racing a run: random edits at random moments of real builds,
// then every image kiln called built or cached must hold exactly the files its key's record
// names. Any outcome of a raced image is allowed (built with the edit, built without it, failed);
// a tagged image whose content its key does not describe is not.

const MB = 1024 * 1024;
const IMAGES = ['slow', 'one', 'two', 'solo'] as const;
const sha = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

/** `one` and `two` build FROM `slow` (a 2 s RUN); `solo` stands alone. Each copies its context to /ctx-<name>. */
function huntRepo(): Record<string, string> {
  const registry = `${services().registry}/{{id}}`;
  const files: Record<string, string> = {
    'images.yaml': manifest(IMAGES.map((name) => `${name}: { context: ${name} }`)),
    'slow/Dockerfile': `FROM ${services().baseImage}\nCOPY . /ctx-slow\nRUN sleep 2; echo {{id}}-slow\n`,
    'solo/Dockerfile': `FROM ${services().baseImage}\nCOPY . /ctx-solo\n`,
  };
  for (const name of IMAGES) {
    if (name === 'one' || name === 'two') files[`${name}/Dockerfile`] = `FROM ${registry}/slow:latest\nCOPY . /ctx-${name}\n`;
    files[`${name}/a.txt`] = `${name} a\n`;
    files[`${name}/src/b.js`] = `${name} b\n`;
  }
  files['one/big.bin'] = 'x'.repeat(MB + 3);
  return files;
}

type Edit = (file: string, text: string) => Promise<void>;

/** A content edit on a path that is no longer a file (an earlier edit made it a folder or a link) replaces it with a file. */
const onFile = (edit: Edit): Edit => async (file, text) => {
  if (!(await lstat(file)).isFile()) {
    await rm(file, { recursive: true, force: true });
    return writeFile(file, text);
  }
  return edit(file, text);
};

const edits: Edit[] = [
  onFile(async (file, text) => {
    const { size } = await stat(file);
    await writeFile(file, text.repeat(Math.ceil(size / text.length)).slice(0, size)); // same size
  }),
  onFile((file, text) => writeFile(file, text)),
  onFile((file, text) => appendFile(file, text)),
  onFile((file) => truncate(file, 1)),
  onFile(async (file) => chmod(file, ((await stat(file)).mode & 0o111) === 0 ? 0o755 : 0o644)),
  async (file, text) => {
    await rm(file, { recursive: true, force: true });
    await symlink(text.replace(/\W/g, '') || 'target', file);
  },
  async (file, text) => {
    await rm(file, { recursive: true, force: true });
    await mkdir(file);
    await writeFile(path.join(file, 'inner.txt'), text);
  },
];

/** Every path under a context, for picking one to edit. */
async function paths(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (rel === 'Dockerfile') continue;
    out.push(rel);
    if (entry.isDirectory()) out.push(...(await paths(dir, rel)));
  }
  return out;
}

/** The image's /ctx-<name> against its key's record: same paths, same content hashes (and type and mode where the record keeps them). */
async function checkImage(p: TempProject, name: string, id: string, key: string, where: string): Promise<void> {
  const record = await loadKeyRecord(p.root, key);
  expect(record, `${where}: record of ${name}`).toBeDefined();
  const files = await imageFiles(id, `/ctx-${name}`);
  const actual: Record<string, string> = {};
  for (const [full, file] of files) {
    const rel = full.slice(`ctx-${name}`.length + 1);
    if (rel === '') continue;
    // A dependent is sent its Dockerfile with the dependency's reference pointed at the exact build
    // (`repo:kiln-dep-<id>`); the key hashed the text as written, which names `repo:latest`.
    const written = rel === 'Dockerfile' ? file.content.replace(/:kiln-dep-[0-9a-f]{64}/g, ':latest') : undefined;
    const hash = file.type === 'symlink' ? sha(file.linkname ?? '') : file.type === 'directory' ? '' : written !== undefined ? sha(written) : file.sha256;
    actual[rel] = `${file.type}:${file.mode.toString(8)}:${hash}`;
  }
  const expected = record!.files;
  const fingerprints = Object.values(expected).some((v) => v.includes(':'));
  const comparable = fingerprints ? actual : Object.fromEntries(Object.entries(actual).filter(([, v]) => !v.startsWith('directory:')).map(([k, v]) => [k, v.split(':')[2]!]));
  expect(comparable, `${where}: /ctx-${name} of ${name} against its key's record`).toEqual(expected);
}

describe.each(builders)('edits racing runs, %s builder (real engine)', (builder) => {
  const { engine, project } = projectsOnEngine();

  it('every image built or cached holds exactly what its key describes, whatever the timing', async () => {
    const seed = Math.floor(Math.random() * 1e9);
    let state = seed;
    const rand = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const p = await project(huntRepo());
    let raced = 0;
    let checked = 0;
    for (let round = 0; round < 4; round++) {
      // A new slow key each round: its 2 s RUN runs again, and the dependents wait, hashed but unsent.
      await writeFile(path.join(p.root, 'slow/round.txt'), `${round}\n`);
      const running = buildJson(p, ['--builder', builder]);
      await waitFor(() => processWithMarker(`${p.id}-slow`), 20_000);
      const done: string[] = [];
      for (let n = 0; n < 4; n++) {
        await new Promise((r) => setTimeout(r, rand() * 600));
        // Mostly the dependents: their contexts are the ones waiting, hashed but unsent.
        const image = rand() < 0.75 ? (rand() < 0.5 ? 'one' : 'two') : IMAGES[Math.floor(rand() * IMAGES.length)]!;
        const dir = path.join(p.root, image);
        const candidates = await paths(dir);
        const target = candidates[Math.floor(rand() * candidates.length)] ?? 'a.txt';
        // Content edits (same size, rewritten, grown) twice as often as the others.
        const kind = rand() < 0.5 ? Math.floor(rand() * 3) : Math.floor(rand() * edits.length);
        await edits[kind]!(path.join(dir, target), `r${round}n${n}-${Math.floor(rand() * 1e6)}\n`);
        done.push(`${image}/${target}#${kind}`);
      }
      const { events } = await running;
      const where = `seed ${seed}, round ${round}: ${done.join(', ')}`;
      raced += events.filter((e) => e.type === 'failed' && e.error.includes('changed while kiln was building')).length;
      for (const event of events as BuildEvent[]) {
        if (event.type !== 'built' && event.type !== 'cached') continue;
        const image = await engine.inspectImage(event.id);
        expect(image?.Config?.Labels?.['dev.kiln.key'], `${where}: label of ${event.image}`).toBe(event.key);
        await checkImage(p, event.image, event.id, event.key, where);
        checked++;
      }
    }
    // Quiet at last: everything builds, and still matches.
    const final = await buildJson(p, ['--builder', builder]);
    expect(final.code, `seed ${seed}: ${final.stdout.slice(-2000)}`).toBe(0);
    for (const event of final.events) {
      if (event.type === 'built' || event.type === 'cached') await checkImage(p, event.image, event.id, event.key, `seed ${seed}, final run`);
    }
    expect(checked).toBeGreaterThan(0);
    console.log(`${builder}: ${checked} images checked, ${raced} builds stopped by an edit (seed ${seed})`);
  }, 180_000);
});
