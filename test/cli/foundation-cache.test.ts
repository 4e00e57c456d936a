import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readFileSync, rmSync } from 'node:fs';
import { createEngine } from '../../src/engine/index.js';
import { plan as planLibrary } from '../../src/plan/plan.js';
import { removeProjectImages } from '../build/fixture.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { tempProject, type TempProject } from '../helpers/project.js';
import { realEngine, services } from '../helpers/services.js';

// `kiln plan` against the real engine: after a build it says cached; after an edit it names the
// file, arg or dependency that changed since the build each tag points at.
let project: TempProject;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  env = { DOCKER_HOST: services().dockerHost };
  project = await tempProject({
    'images.yaml': `version: 1
name: {{id}}
registry: 127.0.0.1:5000/{{id}}
images:
  base:
    context: base
  app:
    context: app
    args: { GREETING: hi }
`,
    'base/Dockerfile': 'FROM busybox:latest\nCOPY motd /etc/motd\n',
    'base/motd': 'hello\n',
    'app/Dockerfile': 'FROM 127.0.0.1:5000/{{id}}/base\nARG GREETING\nRUN echo "$GREETING" > /greeting\n',
  });
  const built = await runCli(['build', '--progress', 'plain'], { cwd: project.root, env });
  if (built.code !== 0) throw new Error(`build failed:\n${built.stdout}\n${built.stderr}`);
}, 120_000);

afterAll(async () => {
  const engine = realEngine();
  await removeProjectImages(engine, project.id);
  await engine.close();
  await project.remove();
});

async function plan(...args: string[]): Promise<CliResult> {
  return runCli(['plan', ...args], { cwd: project.root, env });
}

/** The `key … status` line of each image. */
function statusLines(stdout: string): Record<string, string> {
  const lines: Record<string, string> = {};
  let image = '';
  for (const line of stdout.split('\n')) {
    const head = /^ {2}(\S+) {2}/.exec(line);
    if (head) image = head[1]!;
    const status = /^ {4}key [0-9a-f]{12} {2}(.*)$/.exec(line);
    if (status) lines[image] = status[1]!;
  }
  return lines;
}

describe('kiln plan with the engine', () => {
  test('after a build, every image is cached', async () => {
    const r = await plan();
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(statusLines(r.stdout)).toEqual({ base: 'cached', app: 'cached' });
    expect(r.stdout.endsWith('\n0 to build, 2 cached\n')).toBe(true);
  });

  test('--json carries key, cached and reasons', async () => {
    const r = await plan('--json');
    const doc = JSON.parse(r.stdout) as { images: { name: string; key: string; cached: boolean; reasons: unknown[] }[] };
    for (const image of doc.images) {
      expect(image.key).toMatch(/^[0-9a-f]{64}$|^sha256:[0-9a-f]{64}$/);
      expect(image.cached).toBe(true);
      expect(image.reasons).toEqual([]);
    }
  });

  test('an edited file names the file, and the dependent names its dependency', async () => {
    await project.write({ 'base/motd': 'changed\n' });
    try {
      const r = await plan();
      expect(statusLines(r.stdout)).toEqual({ base: 'build: file motd changed', app: 'build: dependency base changed' });
      expect(r.stdout.endsWith('\n2 to build, 0 cached\n')).toBe(true);
      const doc = JSON.parse((await plan('--json')).stdout) as { images: { name: string; cached: boolean; reasons: unknown[] }[] };
      expect(doc.images.map((i) => [i.name, i.cached, i.reasons])).toEqual([
        ['base', false, [{ kind: 'file', detail: 'file motd changed' }]],
        ['app', false, [{ kind: 'dependency', detail: 'dependency base changed' }]],
      ]);
    } finally {
      await project.write({ 'base/motd': 'hello\n' });
    }
  });

  test('an arg changed with --set or --var names the arg', async () => {
    const set = await plan('--set', 'app.args.GREETING=bye');
    expect(statusLines(set.stdout)).toEqual({ base: 'cached', app: 'build: arg GREETING: "hi" → "bye"' });
    await project.write({ 'images.yaml': readFileSync(`${project.root}/images.yaml`, 'utf8').replace('GREETING: hi', 'GREETING: "${GREETING:-hi}"') });
    const viaVar = await plan('--var', 'GREETING=yo');
    expect(statusLines(viaVar.stdout)).toEqual({ base: 'cached', app: 'build: arg GREETING: "hi" → "yo"' });
    expect(statusLines((await plan()).stdout)).toEqual({ base: 'cached', app: 'cached' });
  });

  test('with a kiln.lock, plan uses its pins as build does', async () => {
    const locked = await runCli(['lock'], { cwd: project.root, env });
    expect(locked.code).toBe(0);
    try {
      expect(statusLines((await plan()).stdout)).toEqual({ base: 'cached', app: 'cached' });
    } finally {
      rmSync(`${project.root}/kiln.lock`);
    }
  });

  test('--offline does not ask the engine: no keys, no note', async () => {
    const r = await plan('--offline');
    expect(r.stderr).toBe('');
    expect(statusLines(r.stdout)).toEqual({});
    expect(r.stdout).not.toContain('to build');
  });

  test('an unreachable engine leaves the plan as it is, with one note saying why', async () => {
    const r = await runCli(['plan'], { cwd: project.root, env: { DOCKER_HOST: 'unix:///nonexistent/kiln.sock' } });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('note: cache state unknown (cannot reach the Docker engine at unix:///nonexistent/kiln.sock: no such socket (start dockerd, or set DOCKER_HOST)); pass --offline to skip the engine\n');
    expect(r.stdout).toBe((await plan('--offline')).stdout);
  });
});

describe('plan() as a library', () => {
  test('with an engine: the graph plus each image\'s cache state; unreachable: diagnostics as a value', async () => {
    const engine = realEngine();
    try {
      const r = await planLibrary({ cwd: project.root, engine, env: {} });
      expect(r.ok && [...r.value.cache!.entries()].map(([name, s]) => [name, s.cached])).toEqual([
        ['base', true],
        ['app', true],
      ]);
    } finally {
      await engine.close();
    }
    const dead = createEngine({ host: 'unix:///nonexistent/kiln.sock', env: {} });
    const r = await planLibrary({ cwd: project.root, engine: dead, env: {} });
    expect(!r.ok && r.error.map((d) => d.kind)).toEqual(['unavailable']);
    await dead.close();
  });
});
