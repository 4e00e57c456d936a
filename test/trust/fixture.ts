import { basename } from 'node:path';
import type { Engine } from '../../src/engine/engine.js';
import { spawnKiln } from '../helpers/cli.js';
import { parseEvents } from '../helpers/cli.js';
import type { BuildEvent } from '../../src/run/events.js';
import { imageFiles } from '../helpers/image-files.js';
import { services } from '../helpers/services.js';
import { manifest } from '../build/fixture.js';

/**
 * A project whose dependent's content records its dependency's: `base` writes `$X` (an arg from
 * `--var X=…`) to /x, `slow` sleeps `$SLOW` seconds (a window for a foreign tag move), and `app`
 * starts FROM base:latest, copies /x out of `slow`'s `FROM base` too, and writes what it saw to /y.
 */
export function layeredProject(): Record<string, string> {
  const registry = `${services().registry}/{{id}}`;
  return {
    'images.yaml': manifest([
      'base: { context: base, args: { X: "${X:-0}" } }',
      'slow: { context: slow, args: { SLOW: "${SLOW:-0}" } }',
      'app: { context: app }',
    ]),
    'base/Dockerfile': `FROM ${services().baseImage}\nARG X\nRUN echo "$X" > /x\n`,
    'slow/Dockerfile': `FROM ${services().baseImage}\nARG SLOW\nRUN sleep "$SLOW" && echo slow-{{id}} > /slow\n`,
    'app/Dockerfile': `FROM ${registry}/base:latest\nCOPY --from=${registry}/slow:latest /slow /slow\nRUN cat /x > /y\n`,
  };
}

/** One file of an image, read through the Engine API (test/helpers/image-files.ts). */
export async function readImageFile(image: string, path: string): Promise<string> {
  const files = await imageFiles(image, path);
  const file = files.get(basename(path));
  if (file === undefined) throw new Error(`${path} not in ${image}`);
  return file.content;
}

/** A finished `kiln` process: exit code, output, events. */
export interface KilnRun {
  code: number | null;
  stdout: string;
  stderr: string;
  events: BuildEvent[];
}

/** Runs the real `kiln build --progress json ...args` as its own process (as two users at once would). */
export function kilnProcess(cwd: string, args: string[], onStdout?: (text: string) => void): Promise<KilnRun> {
  const child = spawnKiln(['build', '--progress', 'json', ...args], { cwd, env: { DOCKER_HOST: services().dockerHost } });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => {
    stdout += c.toString();
    onStdout?.(stdout);
  });
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr, events: parseEvents(stdout) }));
  });
}

/** Every tag of the project's images that is one of kiln's temporary dependency references. */
export async function dependencyRefsLeft(engine: Engine, project: string): Promise<string[]> {
  const all = await engine.listImages({ all: true });
  return all.flatMap((i) => i.RepoTags ?? []).filter((t) => t.includes(`/${project}/`) && t.includes(':kiln-dep-'));
}

/** The `built` or `cached` event of an image: the ID kiln says it has. */
export function resultOf(events: BuildEvent[], image: string): { type: 'built' | 'cached'; id: string; key: string } | undefined {
  for (const e of events) if ((e.type === 'built' || e.type === 'cached') && e.image === image) return { type: e.type, id: e.id, key: e.key };
  return undefined;
}

/** A seeded pseudo-random generator, so a failing hunt can be replayed from its seed. */
export { mulberry32 as seeded } from '../helpers/random.js';
