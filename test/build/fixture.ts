import { readdirSync, readFileSync } from 'node:fs';
import type { Engine } from '../../src/engine/engine.js';
import type { BuildEvent } from '../../src/run/events.js';
import { runCli, parseEvents, type CliResult } from '../helpers/cli.js';
import { afterAll } from 'vitest';
import { tempProject, type TempProject } from '../helpers/project.js';
import { realEngine, services } from '../helpers/services.js';

/** The builders every build test runs with. */
export const builders = ['buildkit', 'classic'] as const;

/** An images.yaml for the project `{{id}}` on the test registry, one `images` entry per line given. */
export function manifest(images: string[]): string {
  return ['version: 1', 'name: "{{id}}"', `registry: ${services().registry}/{{id}}`, 'images:', ...images.map((line) => `  ${line}`), ''].join('\n');
}

/**
 * A small monorepo with every kind of inferred edge: `app` starts FROM `base` and copies a file
 * out of the library image `lib` with `COPY --from`; `tool` is independent. `app`'s .dockerignore
 * excludes `*.md` and `tmp/`. Repositories live under `127.0.0.1:5000/{{id}}`.
 */
export function monorepo(): Record<string, string> {
  const registry = `${services().registry}/{{id}}`;
  return {
    'images.yaml': manifest([
      'base: { context: images/base }',
      'lib: { context: libs/lib, target: lib }',
      'app: { context: services/app }',
      'tool: { context: services/tool }',
    ]),
    'images/base/Dockerfile': `FROM ${services().baseImage}\nCOPY motd /etc/motd\nRUN echo base-ran\n`,
    'images/base/motd': 'v1\n',
    'libs/lib/Dockerfile': `FROM ${services().baseImage} AS lib\nCOPY lib.sh /out/lib.sh\nRUN echo lib-ran\n`,
    'libs/lib/lib.sh': 'echo lib v1\n',
    'services/app/Dockerfile': `FROM ${registry}/base:latest\nCOPY --from=${registry}/lib:latest /out/lib.sh /lib.sh\nCOPY src /src\nRUN cat /etc/motd /lib.sh /src/main.sh\n`,
    // The project id makes app's layers unique, so BuildKit's own cache never hides its RUN output.
    'services/app/src/main.sh': 'echo app v1 # {{id}}\n',
    'services/app/.dockerignore': '*.md\ntmp/\n',
    'services/app/README.md': 'not in the context\n',
    'services/tool/Dockerfile': `FROM ${services().baseImage}\nRUN echo tool-ran\n`,
  };
}

/** The environment a CLI run needs to reach the test engine. */
export function engineEnv(): NodeJS.ProcessEnv {
  return { DOCKER_HOST: services().dockerHost };
}

/** Runs `kiln build --progress json ...args` in the project; returns the result and its events. */
export async function buildJson(project: TempProject, args: string[] = []): Promise<CliResult & { events: BuildEvent[] }> {
  const result = await runCli(['build', '--progress', 'json', ...args], { cwd: project.root, env: engineEnv() });
  return { ...result, events: parseEvents(result.stdout) };
}

/** Image name → the outcome event type it got (`built`, `cached`, `failed`, `skipped`). */
export function outcomes(events: BuildEvent[]): Record<string, string> {
  const expectedFailures = new Set(events.filter((e) => e.type === 'failed' && /exit code|non-zero code/.test(e.error)).map((e) => (e as { error: string }).error));
  const result: Record<string, string> = {};
  for (const event of events) {
    if (event.type === 'built' || event.type === 'cached' || event.type === 'skipped') result[event.image] = event.type;
    // An unexpected failure shows its error in the comparison, not just the word "failed".
    if (event.type === 'failed') result[event.image] = expectedFailures.has(event.error) ? 'failed' : `failed: ${event.error}`;
  }
  return result;
}

/** The event of `type` for `image`. */
export function eventOf<T extends BuildEvent['type']>(events: BuildEvent[], type: T, image: string): Extract<BuildEvent, { type: T }> | undefined {
  return events.find((e): e is Extract<BuildEvent, { type: T }> => e.type === type && 'image' in e && e.image === image);
}

/** The event types an image went through, in order, without step/log noise. */
export function lifecycle(events: BuildEvent[], image: string): string[] {
  return events.filter((e) => 'image' in e && e.image === image && e.type !== 'step' && e.type !== 'log').map((e) => e.type);
}

/** Removes every image the project built (by its kiln project label). */
export async function removeProjectImages(engine: Engine, project: string): Promise<void> {
  const images = await engine.listImages({ all: true, filters: { label: [`dev.kiln.project=${project}`] } });
  for (const image of images) await engine.removeImage(image.Id, { force: true }).catch(() => undefined);
}

/** Whether any process on this machine (the engine runs here) has `marker` in its command line. */
export function processWithMarker(marker: string): boolean {
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker)) return true;
    } catch {
      // the process ended meanwhile
    }
  }
  return false;
}

/** Polls `condition` every 50 ms until it holds or `ms` pass; returns whether it held. */
export async function waitFor(condition: () => boolean, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (condition()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return condition();
}

/**
 * The real engine and temp projects for one describe block: every project made through `project()`
 * has its images and folder removed, and the engine closed, after the block.
 */
export function projectsOnEngine(): { engine: Engine; project: (files: Record<string, string>) => Promise<TempProject> } {
  const engine = realEngine();
  const projects: TempProject[] = [];
  afterAll(async () => {
    for (const p of projects) {
      await removeProjectImages(engine, p.id);
      await p.remove();
    }
    await engine.close();
  });
  return {
    engine,
    project: async (files) => {
      const p = await tempProject(files);
      projects.push(p);
      return p;
    },
  };
}
