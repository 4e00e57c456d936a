import { describe, expect, it } from 'vitest';
import { isLoopback, parseChallenges, registryBaseUrl } from '../../src/registry/index.js';

describe('WWW-Authenticate parsing', () => {
  it('keeps commas and spaces inside quoted values', () => {
    expect(
      parseChallenges('Bearer realm="http://127.0.0.1:5056/token",service="spec-registry",scope="repository:a/b:pull,push repository:c:pull",error="insufficient_scope"'),
    ).toEqual([
      {
        scheme: 'bearer',
        params: { realm: 'http://127.0.0.1:5056/token', service: 'spec-registry', scope: 'repository:a/b:pull,push repository:c:pull', error: 'insufficient_scope' },
      },
    ]);
  });

  it('reads several challenges, unquoted values and escapes', () => {
    expect(parseChallenges('Basic realm="a \\"b\\"", Bearer realm=tok , service="s"')).toEqual([
      { scheme: 'basic', params: { realm: 'a "b"' } },
      { scheme: 'bearer', params: { realm: 'tok', service: 's' } },
    ]);
    expect(parseChallenges('')).toEqual([]);
  });
});

describe('registry hosts', () => {
  it('uses http only for loopback hosts or when insecure', () => {
    expect(isLoopback('127.0.0.1:5000')).toBe(true);
    expect(isLoopback('127.12.0.9')).toBe(true);
    expect(isLoopback('localhost:5000')).toBe(true);
    expect(isLoopback('[::1]:5000')).toBe(true);
    expect(isLoopback('128.0.0.1:5000')).toBe(false);
    expect(registryBaseUrl('127.0.0.1:5000')).toBe('http://127.0.0.1:5000');
    expect(registryBaseUrl('ghcr.io')).toBe('https://ghcr.io');
    expect(registryBaseUrl('reg.internal:5000', true)).toBe('http://reg.internal:5000');
    expect(registryBaseUrl('docker.io')).toBe('https://registry-1.docker.io');
  });
});
