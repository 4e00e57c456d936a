import { stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RACY_WINDOW_MS } from '../../src/context/stat-cache.js';
import type { BuildEvent } from '../../src/run/events.js';
import { imageFiles } from '../helpers/image-files.js';
import { restoreMtime } from '../helpers/mtime.js';
import { services } from '../helpers/services.js';
import { builders, buildJson, eventOf, manifest, outcomes, projectsOnEngine } from './fixture.js';

// Issue #9 item 3: a same-size edit whose mtime is set back (touch -r, mtime-keeping copies,
// checkouts) kept the stat cache's stamp: a stale "cached", and --no-cache stored the new content
// under the old key. Every wait below passes the racy window, so only the stamp's ctime can tell.

const pastRacyWindow = () => new Promise((r) => setTimeout(r, RACY_WINDOW_MS + 200));

/** Writes same-size content and sets the mtime back to the nanosecond, as `touch -r` would. */
async function editKeepingMtime(file: string, content: string): Promise<void> {
  const before = await stat(file, { bigint: true });
  await writeFile(file, content);
  restoreMtime(file, before.mtimeNs);
  expect((await stat(file, { bigint: true })).size).toBe(before.size);
}

const keyOf = (events: BuildEvent[]): string | undefined => eventOf(events, 'built', 'app')?.key ?? eventOf(events, 'cached', 'app')?.key;

describe.each(builders)('an edit that keeps size and mtime, %s builder (real engine)', (builder) => {
  const { project } = projectsOnEngine();

  it('is rebuilt with the new content, with and without --no-cache, under a new key each time', async () => {
    const p = await project({
      'images.yaml': manifest(['app: { context: app }']),
      'app/Dockerfile': `FROM ${services().baseImage}\nCOPY . /app\n`,
      'app/app.js': 'console.log("one");\n',
    });
    const file = path.join(p.root, 'app/app.js');
    const image = `${services().registry}/${p.id}/app:latest`;
    await pastRacyWindow(); // the first run's hashes are then trusted and remembered
    const first = await buildJson(p, ['--builder', builder]);
    expect(outcomes(first.events)).toEqual({ app: 'built' });

    await editKeepingMtime(file, 'console.log("two");\n');
    await pastRacyWindow();
    const second = await buildJson(p, ['--builder', builder]);
    expect(second.code).toBe(0);
    expect(outcomes(second.events)).toEqual({ app: 'built' });
    expect(keyOf(second.events)).not.toBe(keyOf(first.events));
    expect((await imageFiles(image, '/app')).get('app/app.js')?.content).toBe('console.log("two");\n');

    await editKeepingMtime(file, 'console.log("tri");\n');
    await pastRacyWindow();
    const forced = await buildJson(p, ['--builder', builder, '--no-cache']);
    expect(outcomes(forced.events)).toEqual({ app: 'built' });
    expect(keyOf(forced.events)).not.toBe(keyOf(second.events));
    expect((await imageFiles(image, '/app')).get('app/app.js')?.content).toBe('console.log("tri");\n');

    // And the key of "tri" now names exactly that build.
    const again = await buildJson(p, ['--builder', builder]);
    expect(outcomes(again.events)).toEqual({ app: 'cached' });
    expect(keyOf(again.events)).toBe(keyOf(forced.events));
  }, 60_000);
});
