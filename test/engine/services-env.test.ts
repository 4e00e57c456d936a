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

  it('parses export lines', () => {
    expect(parseExports('export A=1\nnoise\nexport B_2=x=y\n')).toEqual({ A: '1', B_2: 'x=y' });
  });
});
