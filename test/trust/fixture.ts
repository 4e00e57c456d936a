import { Readable } from 'node:stream';
import { extract } from 'tar-stream';
import { Pool } from '../../src/util/undici.js';
import type { Engine } from '../../src/engine/engine.js';
import { spawnKiln } from '../helpers/cli.js';
import { parseEvents } from '../helpers/cli.js';
import type { BuildEvent } from '../../src/run/events.js';
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

/** One file of an image, read through the Engine API (a created, never started container's archive). */
export async function readImageFile(image: string, path: string): Promise<string> {
  const socketPath = services().dockerHost.replace(/^unix:\/\//, '');
  const pool = new Pool('http://localhost', { socketPath });
  try {
    const created = await pool.request({
      method: 'POST',
      path: '/v1.41/containers/create',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ Image: image, Cmd: ['true'], HostConfig: { NetworkMode: 'none' } }),
    });
    const { Id } = (await created.body.json()) as { Id: string };
    if (created.statusCode !== 201) throw new Error(`create container of ${image}: ${created.statusCode}`);
    try {
      const archive = await pool.request({ method: 'GET', path: `/v1.41/containers/${Id}/archive?path=${encodeURIComponent(path)}` });
      if (archive.statusCode !== 200) {
        await archive.body.dump();
        throw new Error(`${path} not in ${image}: ${archive.statusCode}`);
      }
      return await firstEntry(archive.body);
    } finally {
      const removed = await pool.request({ method: 'DELETE', path: `/v1.41/containers/${Id}?force=1` });
      await removed.body.dump();
    }
  } finally {
    await pool.close();
  }
}

async function firstEntry(body: Readable): Promise<string> {
  const tar = extract();
  let content: string | undefined;
  tar.on('entry', (_header, stream, next) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: unknown) => chunks.push(c as Buffer));
    stream.on('end', () => {
      content ??= Buffer.concat(chunks).toString();
      next();
    });
  });
  await new Promise<void>((resolve, reject) => {
    tar.on('finish', resolve);
    tar.on('error', reject);
    body.pipe(tar);
  });
  return content ?? '';
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
