import { appendFile, chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TempProject } from '../helpers/project.js';
import { imageFiles, type ImageFile } from '../helpers/image-files.js';
import { services } from '../helpers/services.js';
import { builders, buildJson, eventOf, manifest, outcomes, processWithMarker, projectsOnEngine, waitFor } from './fixture.js';

// Issue #9 item 1: a dependent's context is sent only after its dependency has built, long after
// its key was hashed. Edits in between must fail that image, never ship under the old key.

const MB = 1024 * 1024;

/** `app` builds FROM `slow`, whose RUN sleeps 3 s: its context waits, hashed but unsent. */
function raceRepo(): Record<string, string> {
  const registry = `${services().registry}/{{id}}`;
  return {
    'images.yaml': manifest(['slow: { context: slow }', 'app: { context: app }']),
    'slow/Dockerfile': `FROM ${services().baseImage}\nRUN sleep 3; echo {{id}}-slow\n`,
    'app/Dockerfile': `FROM ${registry}/slow:latest\nCOPY . /app\n`,
    'app/src/app.js': 'console.log("v1");\n',
    'app/run.sh': '#!/bin/sh\necho run\n',
    // Above the whole-read limit: streamed, its last chunk held back until it checks out.
    'app/big.bin': 'b'.repeat(2 * MB),
  };
}

interface Race {
  /** The file the message names, relative to the project root. */
  file: string;
  edit: (app: string) => Promise<void>;
  detail: RegExp;
  /** What the rebuilt image must hold under /app. */
  rebuilt: (files: Map<string, ImageFile>) => void;
}

const races: Record<string, Race> = {
  'same-size edit': {
    file: 'app/src/app.js',
    edit: (app) => writeFile(path.join(app, 'src/app.js'), 'console.log("v2");\n'),
    detail: /its content differs/,
    rebuilt: (files) => expect(files.get('app/src/app.js')?.content).toBe('console.log("v2");\n'),
  },
  'a large file grows': {
    file: 'app/big.bin',
    edit: (app) => appendFile(path.join(app, 'big.bin'), 'grown'),
    detail: /it grew past 2097152 bytes/,
    rebuilt: (files) => {
      const content = files.get('app/big.bin')?.content ?? '';
      expect([content.length, content.slice(-6)]).toEqual([2 * MB + 5, 'bgrown']);
    },
  },
  'truncated and rewritten shorter': {
    file: 'app/src/app.js',
    edit: (app) => writeFile(path.join(app, 'src/app.js'), 'v3\n'),
    detail: /it shrank to 3 bytes, was 19/,
    rebuilt: (files) => expect(files.get('app/src/app.js')?.content).toBe('v3\n'),
  },
  chmod: {
    file: 'app/run.sh',
    edit: (app) => chmod(path.join(app, 'run.sh'), 0o755),
    detail: /its mode is now 755, was 644/,
    rebuilt: (files) => expect(files.get('app/run.sh')?.mode).toBe(0o755),
  },
  'file replaced by a directory': {
    file: 'app/src/app.js',
    edit: async (app) => {
      await rm(path.join(app, 'src/app.js'));
      await mkdir(path.join(app, 'src/app.js'));
      await writeFile(path.join(app, 'src/app.js/index.js'), 'dir\n');
    },
    detail: /it is now a directory, was a file/,
    rebuilt: (files) => {
      expect(files.get('app/src/app.js')?.type).toBe('directory');
      expect(files.get('app/src/app.js/index.js')?.content).toBe('dir\n');
    },
  },
};

describe.each(builders)('files edited during a run, %s builder (real engine)', (builder) => {
  const { engine, project } = projectsOnEngine();

  /** Starts a build, applies the edit while `slow` sleeps, and returns the finished run. */
  async function raceBuild(p: TempProject, race: Race): Promise<Awaited<ReturnType<typeof buildJson>>> {
    const running = buildJson(p, ['--builder', builder]);
    expect(await waitFor(() => processWithMarker(`${p.id}-slow`), 20_000)).toBe(true);
    await race.edit(path.join(p.root, 'app'));
    return running;
  }

  it.each(Object.entries(races))('%s: the image fails, nothing is tagged, the next run builds the new content', async (_name, race) => {
    const p = await project(raceRepo());
    const first = await raceBuild(p, race);
    expect(first.code).toBe(1);
    expect(outcomes(first.events)).toMatchObject({ slow: 'built', app: expect.stringMatching(/^failed: /) });
    const error = eventOf(first.events, 'failed', 'app')?.error ?? '';
    expect(error.startsWith(`${race.file} changed while kiln was building (hashed at `)).toBe(true);
    expect(error).toMatch(race.detail);
    expect(error.endsWith('; run kiln again')).toBe(true);

    // The engine never finished a build of the old key, and no tag moved.
    const plan = first.events.find((e) => e.type === 'plan');
    const appKey = plan?.type === 'plan' ? plan.images.find((i) => i.name === 'app')?.key : undefined;
    expect(appKey).toBeDefined();
    expect(await engine.listImages({ all: true, filters: { label: [`dev.kiln.key=${appKey}`] } })).toEqual([]);
    const appRef = `${services().registry}/${p.id}/app:latest`;
    expect(await engine.inspectImage(appRef)).toBeUndefined();

    const second = await buildJson(p, ['--builder', builder]);
    expect(second.code).toBe(0);
    expect(outcomes(second.events)).toEqual({ slow: 'cached', app: 'built' });
    const files = await imageFiles(appRef, '/app');
    race.rebuilt(files);
    // The untouched files came through too.
    expect(files.get('app/Dockerfile')?.content).toContain('COPY . /app');
  }, 90_000);
});
