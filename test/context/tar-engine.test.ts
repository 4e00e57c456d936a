import { mkdtemp, rm, symlink, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextTar, generatedDockerfileName } from '../../src/context/tar.js';
import { walkContext } from '../../src/context/walk.js';
import { hashedOf } from './fixtures.js';
import { services } from '../helpers/services.js';

// Real engine: the tar kiln sends must build as docker's would. Fails (never skips) without it.
const { dockerHost, baseImage } = services();

let root: string;
let dispatcher: Agent;
const tags: string[] = [];

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'kiln-tar-engine-'));
  await mkdir(path.join(root, 'ctx/src'), { recursive: true });
  await writeFile(path.join(root, 'ctx/src/app.sh'), 'echo hi\n', { mode: 0o755 });
  await writeFile(path.join(root, 'ctx/secret.txt'), 'do not send');
  await writeFile(path.join(root, 'ctx/.dockerignore'), 'secret.txt\n');
  await symlink('src/app.sh', path.join(root, 'ctx/run'));
  dispatcher = new Agent({ connect: { socketPath: dockerHost.replace(/^unix:\/\//, '') } });
});

afterAll(async () => {
  for (const tag of tags) await request(`http://docker/images/${tag}?force=1`, { method: 'DELETE', dispatcher }).then((r) => r.body.dump());
  await dispatcher.close();
  await rm(root, { recursive: true, force: true });
});

/** Builds the context with the Dockerfile outside it; returns the error text, if any. */
async function build(version: '1' | '2', checks: string): Promise<string | undefined> {
  const context = path.join(root, 'ctx');
  const dockerfile = path.join(root, `Dockerfile.${version}`);
  const text = `FROM ${baseImage}\nCOPY . /app\nRUN ${checks}\n`;
  await writeFile(dockerfile, text);
  const entries = await walkContext({ context, dockerfile });
  const nameInTar = generatedDockerfileName(text);
  const tag = `kiln-context-test:v${version}`;
  tags.push(tag);
  const query = new URLSearchParams({ version, networkmode: 'none', dockerfile: nameInTar, t: tag, rm: '1', forcerm: '1' });
  const response = await request(`http://docker/build?${query}`, {
    method: 'POST',
    body: contextTar({ context, entries, hashed: await hashedOf(entries), dockerfile: { path: dockerfile, nameInTar, content: text } }),
    headers: { 'content-type': 'application/x-tar' },
    dispatcher,
  });
  const lines = (await response.body.text()).split('\n').filter(Boolean);
  if (response.statusCode !== 200) return `HTTP ${response.statusCode}: ${lines.join('\n')}`;
  const error = lines.map((line) => JSON.parse(line) as { error?: string }).find((m) => m.error);
  return error?.error;
}

describe('context tar on the real engine', () => {
  it('reports a failing check (so the checks below mean something)', async () => {
    expect(await build('2', 'test -e /app/secret.txt')).toMatch(/exit code: 1|returned a non-zero code: 1/);
  }, 120_000);

  const common = 'test -x /app/src/app.sh && test -L /app/run && test ! -e /app/secret.txt && test "$(readlink /app/run)" = src/app.sh';

  it('builds with BuildKit from a Dockerfile outside the context (the added file stays visible to COPY)', async () => {
    // BuildKit reads no .dockerignore from a tar body: the generated Dockerfile is copied too.
    const checks = `${common} && ls -a /app | grep -q '^.dockerfile\\.'`;
    expect(await build('2', checks)).toBeUndefined();
  }, 120_000);

  it('builds with the classic builder, which drops the added Dockerfile as docker/cli arranges', async () => {
    const checks = `${common} && ! ls -a /app | grep -q '^.dockerfile\\.'`;
    expect(await build('1', checks)).toBeUndefined();
  }, 120_000);
});
