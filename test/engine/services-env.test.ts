import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseExports } from '../global-setup.js';

describe('test services environment', () => {
  it('reaches the workers from globalSetup', () => {
    if (process.env.KILN_SKIP_SERVICES === '1') return;
    const modern = process.env.KILN_TEST_ENGINE === 'modern';
    expect(process.env.KILN_TEST_DOCKER_HOST).toBe(modern ? 'unix:///run/kiln-test/modern/docker.sock' : 'unix:///run/kiln-test/docker.sock');
    expect(process.env.KILN_TEST_MODERN_DOCKER_HOST).toBe('unix:///run/kiln-test/modern/docker.sock');
    expect(process.env.KILN_TEST_REGISTRY).toBe('127.0.0.1:5000');
    expect(process.env.KILN_TEST_AUTH_REGISTRY).toBe('127.0.0.1:5001');
    expect(process.env.KILN_TEST_BASE_IMAGE).toBe('busybox:latest');
  });

  it('prints the 20.10 exports unchanged, then the modern engine, its CLI and a DOCKER_CONFIG with buildx', () => {
    const script = fileURLToPath(new URL('../../scripts/services.sh', import.meta.url));
    expect(execFileSync('bash', [script, 'env'], { encoding: 'utf8' })).toBe(
      [
        'export KILN_TEST_DOCKER_HOST=unix:///run/kiln-test/docker.sock',
        'export KILN_TEST_REGISTRY=127.0.0.1:5000',
        'export KILN_TEST_AUTH_REGISTRY=127.0.0.1:5001',
        'export KILN_TEST_AUTH_USER=kiln',
        'export KILN_TEST_AUTH_PASSWORD=kiln-secret-pw',
        'export KILN_TEST_BASE_IMAGE=busybox:latest',
        'export DOCKER_HOST=unix:///run/kiln-test/docker.sock',
        'export KILN_TEST_MODERN_DOCKER_HOST=unix:///run/kiln-test/modern/docker.sock',
        'export KILN_TEST_MODERN_DOCKER_CLI=/var/lib/kiln-test/modern/root/usr/bin/docker',
        'export KILN_TEST_MODERN_DOCKER_CONFIG=/var/lib/kiln-test/modern/docker-config',
        '',
      ].join('\n'),
    );
  });

  it('starts again in seconds, finding both engines running, with the same environment', () => {
    if (process.env.KILN_SKIP_SERVICES === '1') return;
    const script = fileURLToPath(new URL('../../scripts/services.sh', import.meta.url));
    const started = Date.now();
    const result = spawnSync('bash', [script, 'start'], { encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(result.stderr).toContain('services: dockerd already running\n');
    expect(result.stderr).toContain('services: modern dockerd already running\n');
    expect(result.stderr).toContain('services: BuildKit check build ok on /run/kiln-test/modern/docker.sock\n');
    expect(result.stdout).toBe(execFileSync('bash', [script, 'env'], { encoding: 'utf8' }));
  });

  it('has installed the modern engine\'s CLI with buildx 0.29 as its plugin', () => {
    if (process.env.KILN_SKIP_SERVICES === '1') return;
    const env = { ...process.env, DOCKER_CONFIG: process.env.KILN_TEST_MODERN_DOCKER_CONFIG, DOCKER_HOST: process.env.KILN_TEST_MODERN_DOCKER_HOST };
    const cli = process.env.KILN_TEST_MODERN_DOCKER_CLI!;
    expect(execFileSync(cli, ['--version'], { env, encoding: 'utf8' })).toMatch(/^Docker version 28\.5\./);
    expect(execFileSync(cli, ['buildx', 'version'], { env, encoding: 'utf8' })).toMatch(/ 0\.29\./);
  });

  it('parses export lines', () => {
    expect(parseExports('export A=1\nnoise\nexport B_2=x=y\n')).toEqual({ A: '1', B_2: 'x=y' });
  });
});
