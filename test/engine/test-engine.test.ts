// The engine a run targets is the one KILN_TEST_ENGINE names, so the modern run can never
// silently hit the 20.10 engine (or a 28 on the old graph-driver store), nor the reverse.
import { execFileSync } from 'node:child_process';
import { Client } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { selectEngine } from '../global-setup.js';
import { services } from '../helpers/services.js';

interface Version { Version: string; ApiVersion: string }
interface Info { ServerVersion: string; Driver: string; DriverStatus: [string, string][] | null }

const s = services();
const client = new Client('http://localhost', { socketPath: s.dockerHost.replace(/^unix:\/\//, '') });
afterAll(() => client.close());

async function get<T>(path: string): Promise<T> {
  const response = await client.request({ method: 'GET', path: `/v1.41${path}` });
  expect(response.statusCode).toBe(200);
  return (await response.body.json()) as T;
}

const apiMinor = (v: string): number => Number(/^1\.(\d+)$/.exec(v)?.[1] ?? Number.NaN);
const containerdStore = (info: Info): boolean =>
  (info.DriverStatus ?? []).some(([k, v]) => k === 'driver-type' && v === 'io.containerd.snapshotter.v1');

describe(`test engine (KILN_TEST_ENGINE=${s.engine})`, () => {
  it('is the engine the run names, on the image store it names', async () => {
    const version = await get<Version>('/version');
    const info = await get<Info>('/info');
    if (s.engine === 'modern') {
      expect(version.Version).toMatch(/^28\./);
      expect(apiMinor(version.ApiVersion)).toBeGreaterThanOrEqual(44);
      expect(containerdStore(info)).toBe(true);
      expect(s.dockerHost).toBe(process.env.KILN_TEST_MODERN_DOCKER_HOST);
    } else {
      expect(version.Version).toMatch(/^20\.10\./);
      expect(version.ApiVersion).toBe('1.41');
      expect(containerdStore(info)).toBe(false);
    }
    expect(process.env.DOCKER_HOST).toBe(s.dockerHost);
  });

  it('compares with the docker CLI the services install (28.5), talking to this engine', () => {
    expect(s.dockerCli).toBe(process.env.KILN_TEST_MODERN_DOCKER_CLI);
    const env = { ...process.env, DOCKER_HOST: s.dockerHost, DOCKER_CONFIG: process.env.KILN_TEST_MODERN_DOCKER_CONFIG };
    const server = execFileSync(s.dockerCli, ['version', '--format', '{{.Client.Version}} {{.Server.Version}} {{.Server.APIVersion}}'], { env, encoding: 'utf8' });
    expect(server.trim()).toMatch(s.engine === 'modern' ? /^28\.5\.\S+ 28\.\S+ 1\.51$/ : /^28\.5\.\S+ 20\.10\.\S+ 1\.41$/);
  });
});

describe('selectEngine', () => {
  const vars = { KILN_TEST_DOCKER_HOST: 'unix:///old.sock', DOCKER_HOST: 'unix:///old.sock', KILN_TEST_MODERN_DOCKER_HOST: 'unix:///new.sock', KILN_TEST_MODERN_DOCKER_CLI: '/new/docker' };

  it('keeps the legacy engine by default', () => {
    expect(selectEngine(vars, undefined)).toMatchObject({ KILN_TEST_ENGINE: 'legacy', KILN_TEST_DOCKER_HOST: 'unix:///old.sock', DOCKER_HOST: 'unix:///old.sock', KILN_TEST_DOCKER_CLI: '/new/docker' });
  });

  it('points every address at the modern engine', () => {
    expect(selectEngine(vars, 'modern')).toMatchObject({ KILN_TEST_ENGINE: 'modern', KILN_TEST_DOCKER_HOST: 'unix:///new.sock', DOCKER_HOST: 'unix:///new.sock', KILN_TEST_DOCKER_CLI: '/new/docker' });
  });

  it('refuses an unknown engine rather than falling back', () => {
    expect(() => selectEngine(vars, 'moden')).toThrow('KILN_TEST_ENGINE=moden: expected legacy or modern');
  });
});
