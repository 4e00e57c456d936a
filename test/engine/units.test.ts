import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveEngineAddress } from '../../src/engine/address.js';
import { classifyBuildError } from '../../src/engine/build-error.js';
import { BuildKitProgress, ClassicProgress, parseStepName } from '../../src/engine/build-progress.js';
import { buildQuery } from '../../src/engine/build.js';
import type { BuildProgress } from '../../src/engine/engine.js';
import { jsonMessages } from '../../src/engine/json-stream.js';
import { compareApiVersions } from '../../src/engine/negotiate.js';
import { encodeRegistryAuth } from '../../src/engine/registry-auth.js';
import { decodeTrace } from '../../src/engine/trace.js';
import { splitReference } from '../../src/engine/transfer.js';
import { encodeQuery } from '../../src/engine/transport.js';

/** A real BuildKit stream captured from the test engine (20.10): `RUN echo to-stdout && echo to-stderr >&2 && exit 7`. */
const capturedStream = readFileSync(new URL('./fixtures/buildkit-failing-run.ndjson', import.meta.url), 'utf8');
const traces = capturedStream
  .split('\n')
  .filter((line) => line.includes('moby.buildkit.trace'))
  .map((line) => (JSON.parse(line) as { aux: string }).aux);

describe('BuildKit trace decoding', () => {
  it('decodes vertices, logs and the failing vertex error from a captured payload', () => {
    const updates = traces.map(decodeTrace);
    const vertices = updates.flatMap((u) => u.vertexes);
    const run = vertices.filter((v) => v.name === '[2/2] RUN echo to-stdout && echo to-stderr >&2 && exit 7');
    expect(run.at(-1)).toMatchObject({ started: true, completed: true, cached: false, error: 'executor failed running [/bin/sh -c echo to-stdout && echo to-stderr >&2 && exit 7]: exit code: 7' });
    expect(run.at(-1)?.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(vertices.some((v) => v.name === '[1/2] FROM docker.io/library/busybox' && v.cached)).toBe(true);
    const logs = updates.flatMap((u) => u.logs).map((l) => ({ stream: l.stream, text: l.data.toString(), vertex: l.vertex }));
    expect(logs).toEqual([
      { stream: 'stdout', text: 'to-stdout\n', vertex: run[0]?.digest },
      { stream: 'stderr', text: 'to-stderr\n', vertex: run[0]?.digest },
    ]);
  });

  it('relays steps once per state change and remembers the failing step with its output', () => {
    const progress: BuildProgress[] = [];
    const relay = new BuildKitProgress((p) => progress.push(p));
    for (const aux of traces) relay.update(decodeTrace(aux));
    relay.flush();
    const runSteps = progress.filter((p) => p.kind === 'step' && p.name.startsWith('RUN'));
    expect(runSteps).toEqual([
      { kind: 'step', name: 'RUN echo to-stdout && echo to-stderr >&2 && exit 7', index: 2, total: 2 },
      {
        kind: 'step',
        name: 'RUN echo to-stdout && echo to-stderr >&2 && exit 7',
        index: 2,
        total: 2,
        completed: true,
        error: 'executor failed running [/bin/sh -c echo to-stdout && echo to-stderr >&2 && exit 7]: exit code: 7',
      },
    ]);
    expect(progress.filter((p) => p.kind === 'log')).toEqual([
      { kind: 'log', line: 'to-stdout', stream: 'stdout' },
      { kind: 'log', line: 'to-stderr', stream: 'stderr' },
    ]);
    expect(relay.failure()).toEqual({ step: 'RUN echo to-stdout && echo to-stderr >&2 && exit 7', logs: ['to-stdout', 'to-stderr'] });
  });
});

describe('step names', () => {
  it.each([
    ['[build 2/5] RUN npm ci', { name: '[build] RUN npm ci', index: 2, total: 5 }],
    ['[2/5] RUN x', { name: 'RUN x', index: 2, total: 5 }],
    ['[stage-0 1/3] FROM docker.io/library/busybox', { name: '[stage-0] FROM docker.io/library/busybox', index: 1, total: 3 }],
    ['[internal] load metadata for docker.io/library/busybox:latest', { name: '[internal] load metadata for docker.io/library/busybox:latest' }],
    ['exporting to image', { name: 'exporting to image' }],
  ])('%s', (raw, expected) => expect(parseStepName(raw)).toEqual(expected));
});

describe('classic builder progress', () => {
  it('turns Step lines into steps, stderr chunks into stderr lines, and drops builder chatter', () => {
    const progress: BuildProgress[] = [];
    const relay = new ClassicProgress((p) => progress.push(p));
    for (const chunk of ['Step 1/2 : FROM busybox', '\n', ' ---> edfce16471cb\n', 'Step 2/2 : RUN echo out', '\n', ' ---> Running in f79\n', '\u001b[91mto-stderr\n\u001b[0m', 'out\npart', 'ial\n', 'Removing intermediate container f79\n', ' ---> 82a5\n', 'Successfully built 82a5\n']) {
      relay.write(chunk);
    }
    relay.finish(true);
    expect(progress).toEqual([
      { kind: 'step', name: 'FROM busybox', index: 1, total: 2 },
      { kind: 'step', name: 'FROM busybox', index: 1, total: 2, completed: true },
      { kind: 'step', name: 'RUN echo out', index: 2, total: 2 },
      { kind: 'log', line: 'to-stderr', stream: 'stderr' },
      { kind: 'log', line: 'out', stream: 'stdout' },
      { kind: 'log', line: 'partial', stream: 'stdout' },
      { kind: 'step', name: 'RUN echo out', index: 2, total: 2, completed: true },
    ]);
  });

  it('marks a step cached on "Using cache"', () => {
    const progress: BuildProgress[] = [];
    const relay = new ClassicProgress((p) => progress.push(p));
    relay.write('Step 2/2 : RUN x\n ---> Using cache\n');
    expect(progress.at(-1)).toEqual({ kind: 'step', name: 'RUN x', index: 2, total: 2, cached: true });
    expect(relay.failure()).toEqual({ step: 'RUN x', logs: [] });
  });
});

describe('build error classification (messages of the real engine)', () => {
  it.each([
    ['executor failed running [/bin/sh -c exit 3]: exit code: 3', 'run', { exitCode: 3 }],
    ['process "/bin/sh -c exit 3" did not complete successfully: exit code: 3', 'run', { exitCode: 3 }],
    ["The command '/bin/sh -c exit 3' returned a non-zero code: 3", 'run', { exitCode: 3 }],
    ['failed to solve with frontend dockerfile.v0: failed to create LLB definition: dockerfile parse error line 2: unknown instruction: FOOBAR', 'dockerfile', { line: 2 }],
    ['dockerfile parse error line 2: unknown instruction: FOOBAR', 'dockerfile', { line: 2 }],
    ['failed to solve with frontend dockerfile.v0: failed to create LLB definition: target stage nope could not be found', 'dockerfile', { line: undefined }],
    ['failed to reach build target nope in Dockerfile', 'dockerfile', {}],
    ['Cannot locate specified Dockerfile: nope', 'dockerfile', {}],
    ['failed to solve with frontend dockerfile.v0: failed to create LLB definition: failed to do request: Head "https://registry-1.docker.io/v2/library/nope-image/manifests/1": dial tcp: lookup registry-1.docker.io: no such host', 'other', {}],
    ['failed to compute cache key: "/missing.txt" not found: not found', 'other', {}],
  ] as const)('%s', (message, kind, fields) => {
    const error = classifyBuildError({ message, dockerfile: '/repo/Dockerfile' });
    expect(error.kind).toBe(kind);
    expect(error.message).toBe(message);
    expect(error.diagnostics[0]?.kind).toBe(kind === 'dockerfile' ? 'usage' : 'failed');
    expect(error).toMatchObject(fields);
  });
});

describe('progress stream framing', () => {
  it('reassembles messages split across chunks, including a split UTF-8 character', async () => {
    const bytes = Buffer.from('{"stream":"caf\u00e9\\n"}\r\n{"aux":{"ID":"sha256:1"}}\r\n{"errorDetail":{"message":"x"},"error":"x"}');
    const chunks = [bytes.subarray(0, 14), bytes.subarray(14, 30), bytes.subarray(30)];
    const messages = [];
    for await (const message of jsonMessages(chunks)) messages.push(message);
    expect(messages).toEqual([{ stream: 'caf\u00e9\n' }, { aux: { ID: 'sha256:1' } }, { errorDetail: { message: 'x' }, error: 'x' }]);
  });
});

describe('registry auth header', () => {
  it('is {} as e30= when anonymous', () => expect(encodeRegistryAuth(undefined)).toBe('e30='));
  it('is base64url with padding', () => {
    const auth = { username: 'kiln', password: 'p>?~~', serveraddress: '127.0.0.1:5001' };
    const encoded = encodeRegistryAuth(auth);
    expect(encoded).toMatch(/^[A-Za-z0-9_-]+=*$/);
    expect(encoded.length % 4).toBe(0);
    expect(JSON.parse(Buffer.from(encoded, 'base64url').toString())).toEqual(auth);
    expect(encodeRegistryAuth({ username: 'a' })).toBe('eyJ1c2VybmFtZSI6ImEifQ==');
  });
});

describe('requests', () => {
  it('builds the /build query', () => {
    const query = buildQuery({ context: undefined as never, dockerfile: 'sub/Dockerfile', builder: 'buildkit', tags: ['a:1', 'a:2'], args: { A: '1' }, target: 'run' });
    expect(encodeQuery(query)).toBe('version=2&dockerfile=sub%2FDockerfile&t=a%3A1&t=a%3A2&target=run&buildargs=%7B%22A%22%3A%221%22%7D&networkmode=none&rm=1&forcerm=1');
  });
  it.each([
    ['busybox', { repository: 'busybox', tag: 'latest' }],
    ['127.0.0.1:5000/app', { repository: '127.0.0.1:5000/app', tag: 'latest' }],
    ['127.0.0.1:5000/app:1', { repository: '127.0.0.1:5000/app', tag: '1' }],
    ['app@sha256:abc', { repository: 'app', tag: 'sha256:abc' }],
  ])('splits %s for a pull', (ref, expected) => expect(splitReference(ref)).toEqual(expected));
  it('compares API versions numerically', () => {
    expect(compareApiVersions('1.9', '1.41')).toBeLessThan(0);
    expect(compareApiVersions('1.47', '1.41')).toBeGreaterThan(0);
  });
});

describe('engine address', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kiln-address-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prefers the explicit host, then DOCKER_HOST', () => {
    expect(resolveEngineAddress({ host: 'unix:///a.sock', env: { DOCKER_HOST: 'unix:///b.sock' } })).toMatchObject({ socketPath: '/a.sock' });
    expect(resolveEngineAddress({ env: { DOCKER_HOST: 'tcp://10.1.2.3:2375', HOME: dir } })).toEqual({ display: 'tcp://10.1.2.3:2375', origin: 'http://10.1.2.3:2375' });
  });

  it('uses TLS with the certificates of DOCKER_CERT_PATH when DOCKER_TLS_VERIFY is set', () => {
    const certs = join(dir, 'certs');
    mkdirSync(certs);
    for (const name of ['ca.pem', 'cert.pem', 'key.pem']) writeFileSync(join(certs, name), name);
    const address = resolveEngineAddress({ env: { DOCKER_HOST: 'tcp://docker.example:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs } });
    expect(address.origin).toBe('https://docker.example:2376');
    expect(address.tls?.rejectUnauthorized).toBe(true);
    expect(address.tls?.ca?.toString()).toBe('ca.pem');
    expect(address.tls?.key?.toString()).toBe('key.pem');
  });

  it('follows the current docker context', () => {
    const config = join(dir, 'docker');
    const id = createHash('sha256').update('remote').digest('hex');
    mkdirSync(join(config, 'contexts', 'meta', id), { recursive: true });
    writeFileSync(join(config, 'config.json'), JSON.stringify({ currentContext: 'remote' }));
    writeFileSync(join(config, 'contexts', 'meta', id, 'meta.json'), JSON.stringify({ Name: 'remote', Endpoints: { docker: { Host: 'unix:///run/remote.sock' } } }));
    expect(resolveEngineAddress({ env: { DOCKER_CONFIG: config } })).toMatchObject({ socketPath: '/run/remote.sock', display: 'unix:///run/remote.sock' });
    expect(resolveEngineAddress({ env: { DOCKER_CONFIG: config, DOCKER_CONTEXT: 'default' } }).socketPath).toBe('/var/run/docker.sock');
    expect(() => resolveEngineAddress({ env: { DOCKER_CONFIG: config, DOCKER_CONTEXT: 'gone' } })).toThrow(/docker context "gone" has no Docker endpoint/);
  });

  it('falls back to the default socket, and rejects unsupported schemes with a hint', () => {
    expect(resolveEngineAddress({ env: { HOME: dir } }).socketPath).toBe('/var/run/docker.sock');
    expect(() => resolveEngineAddress({ host: 'ssh://me@box' })).toThrow('unsupported Docker engine address "ssh://me@box"');
  });
});
