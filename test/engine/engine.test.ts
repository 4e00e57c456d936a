import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KilnError } from '../../src/diagnostics/diagnostic.js';
import { createEngine } from '../../src/engine/docker-engine.js';
import { EngineRequestError } from '../../src/engine/transport.js';
import { services } from '../helpers/services.js';
import { progressRecorder, testEngine, uniqueRepository } from './helpers.js';

describe('unreachable engine', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kiln-engine-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names the address when the socket does not exist', async () => {
    const address = `unix://${dir}/missing.sock`;
    const error = await createEngine({ host: address }).info().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KilnError);
    expect((error as KilnError).diagnostics).toEqual([
      { kind: 'unavailable', message: `cannot reach the Docker engine at ${address}: no such socket (start dockerd, or set DOCKER_HOST)` },
    ]);
  });

  it('reports a refused connection', async () => {
    // Connecting to a path that is not a listening socket is refused.
    writeFileSync(join(dir, 'stale.sock'), '');
    const address = `unix://${dir}/stale.sock`;
    const engine = createEngine({ env: { DOCKER_HOST: address } });
    await expect(engine.listImages({})).rejects.toThrow(`cannot reach the Docker engine at ${address}: connection refused`);
  });

  it('reports a refused tcp connection', async () => {
    const engine = createEngine({ host: 'tcp://127.0.0.1:1' });
    const error = (await engine.info().catch((e: unknown) => e)) as KilnError;
    expect(error.diagnostics[0]?.kind).toBe('unavailable');
    expect(error.message).toBe('cannot reach the Docker engine at tcp://127.0.0.1:1: connection refused (start dockerd, or set DOCKER_HOST)');
  });
});

describe('engine API (real engine)', () => {
  const { engine: kind, dockerHost: host, baseImage: base, registry, authRegistry, authUser, authPassword } = services();
  const engine = testEngine();
  const auth = { username: authUser, password: authPassword, serveraddress: authRegistry };
  const repository = uniqueRepository('api');
  const cleanup: string[] = [];
  afterAll(async () => {
    for (const ref of cleanup) await engine.removeImage(ref, { force: true }).catch(() => undefined);
    await engine.close();
  });

  it('negotiates the API version and BuildKit once', async () => {
    const info = await engine.info();
    // 20.10 speaks at most 1.41; Docker 28.5 speaks 1.51, kiln's own maximum.
    expect(info).toMatchObject({ apiVersion: kind === 'modern' ? '1.51' : '1.41', buildkit: true, address: host, bridgeNetwork: false });
    expect(info.version).toMatch(kind === 'modern' ? /^28\./ : /^20\.10\./);
    expect(await engine.info()).toBe(info);
  });

  it('tags, inspects, lists and removes images', async () => {
    const baseImage = await engine.inspectImage(base);
    expect(baseImage?.Id).toMatch(/^sha256:/);
    await engine.tag(base, repository, 'one');
    await engine.tag(base, `${registry}/${repository}`, 'two');
    cleanup.push(`${repository}:one`, `${registry}/${repository}:two`);
    expect((await engine.inspectImage(`${registry}/${repository}:two`))?.Id).toBe(baseImage?.Id);
    expect(await engine.inspectImage(`${repository}:missing`)).toBeUndefined();
    const listed = await engine.listImages({ filters: { reference: [repository] } });
    expect(listed.map((i) => i.RepoTags)).toEqual([[`${repository}:one`]]);
    const removed = await engine.removeImage(`${repository}:one`, {});
    expect(removed).toEqual([{ Untagged: `${repository}:one` }]);
    const missing = await engine.removeImage(`${repository}:one`, {}).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(EngineRequestError);
    expect((missing as EngineRequestError).status).toBe(404);
  });

  it('rejects a bad filter with the engine message', async () => {
    await expect(engine.listImages({ filters: { nonsense: ['x'] } })).rejects.toThrow(/invalid filter 'nonsense'/i); // 28 spells it lower-case
  });

  it('pushes to and pulls from the local registry', async () => {
    const ref = `${registry}/${repository}`;
    await engine.tag(base, ref, 'pushed');
    const progress = progressRecorder();
    const { digest } = await engine.push(ref, 'pushed', undefined, progress.onProgress);
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(progress.lines.some((l) => /Pushed|already exists|Mounted from/.test(l))).toBe(true);
    await engine.removeImage(`${ref}:pushed`, {});
    await engine.pull(`${ref}:pushed`, undefined, () => undefined);
    cleanup.push(`${ref}:pushed`);
    const pulled = await engine.inspectImage(`${ref}:pushed`);
    expect(pulled?.RepoDigests).toContain(`${ref}@${digest}`);
    const unknown = await engine.pull(`${ref}:nope`, undefined, () => undefined).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(EngineRequestError);
    // 20.10 relays the registry's error code; 28 (containerd's resolver) says the reference is not found.
    expect((unknown as EngineRequestError).message).toMatch(kind === 'modern' ? /failed to resolve reference .*:nope.*: not found$/ : /manifest unknown/);
  });

  it('pushes to the auth registry with credentials and is refused without', async () => {
    const ref = `${authRegistry}/${repository}`;
    await engine.tag(base, ref, 'auth');
    cleanup.push(`${ref}:auth`);
    const anonymous = (await engine.push(ref, 'auth', undefined, () => undefined).catch((e: unknown) => e)) as KilnError;
    expect(anonymous).toBeInstanceOf(KilnError);
    expect(anonymous.diagnostics[0]?.kind).toBe('unavailable');
    expect(anonymous.message).toMatch(/no basic auth credentials/);
    const { digest } = await engine.push(ref, 'auth', auth, () => undefined);
    expect(digest).toMatch(/^sha256:/);
  });

  it('lists the images containers use', async () => {
    expect(await engine.imagesInUse()).toBeInstanceOf(Set);
  });

  it('saves images as a docker archive', async () => {
    const archive = await engine.save?.([base]);
    let bytes = 0;
    for await (const chunk of archive ?? []) bytes += (chunk as Buffer).length;
    expect(bytes).toBeGreaterThan(1_000_000);
  });

  it('aborts a call with the signal reason', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stop now'));
    await expect(engine.listImages({}, controller.signal)).rejects.toThrow('stop now');
  });
});

describe('commit (real engine)', () => {
  const { dockerHost: host, baseImage: base } = services();
  const engine = testEngine();
  afterAll(() => engine.close());

  it('commits a container with changes', async () => {
    const { Client } = await import('undici');
    const client = new Client('http://localhost', { socketPath: host.replace(/^unix:\/\//, '') });
    const created = await client.request({
      method: 'POST',
      path: '/v1.41/containers/create',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ Image: base, Cmd: ['true'], NetworkDisabled: true }),
    });
    const { Id: container } = (await created.body.json()) as { Id: string };
    const repository = uniqueRepository('commit');
    try {
      const { id } = await engine.commit(container, { repository, tag: 'c', message: 'from a test', changes: ['ENV KILN=1', 'LABEL kiln.test=commit'] });
      expect(id).toMatch(/^sha256:/);
      const image = await engine.inspectImage(`${repository}:c`);
      expect(image?.Config?.Labels).toMatchObject({ 'kiln.test': 'commit' });
      expect(await engine.imagesInUse()).toContain((await engine.inspectImage(base))?.Id);
    } finally {
      await (await client.request({ method: 'DELETE', path: `/v1.41/containers/${container}?force=1` })).body.dump();
      await engine.removeImage(`${repository}:c`, { force: true }).catch(() => undefined);
      await client.close();
    }
  });
});
