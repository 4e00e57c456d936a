import { describe, expect, it } from 'vitest';
import { platformArgs } from '../../src/dockerfile/index.js';
import { formatPlatform, parsePlatform } from '../../src/model/platform.js';

const amd64 = { os: 'linux', architecture: 'amd64' };

// Expected values from containerd/platforms (Parse, then Normalize, as BuildKit's dockerui does).
describe('parsePlatform, as BuildKit reads a build platform', () => {
  it.each([
    ['linux/amd64', 'linux/amd64'],
    ['linux/amd64/v1', 'linux/amd64'],
    ['linux/amd64/v2', 'linux/amd64/v2'],
    ['linux/x86_64', 'linux/amd64'],
    ['Linux/AMD64', 'linux/amd64'],
    ['linux/arm64', 'linux/arm64'],
    ['linux/arm64/v8', 'linux/arm64'],
    ['linux/aarch64', 'linux/arm64'],
    ['linux/arm64/9', 'linux/arm64/v9'],
    ['linux/arm', 'linux/arm/v7'],
    ['linux/arm/7', 'linux/arm/v7'],
    ['linux/arm/v6', 'linux/arm/v6'],
    ['linux/armhf', 'linux/arm/v7'],
    ['linux/armel', 'linux/arm/v6'],
    ['linux/i386', 'linux/386'],
    ['windows/amd64', 'windows/amd64'],
    ['macos/arm64', 'darwin/arm64'],
    ['arm64', 'linux/arm64'],
    ['linux', 'linux/amd64'],
    ['windows', 'windows/amd64'],
    ['linux/s390x', 'linux/s390x'],
  ])('%s → %s', (specifier, expected) => {
    const parsed = parsePlatform(specifier, amd64);
    expect(parsed.ok && formatPlatform(parsed.value)).toBe(expected);
  });

  it.each(['linux/amd64,linux/arm64', 'linux/amd64/v2/x', 'linux/*', 'foo', '', 'linux/am d64', 'linux//amd64'])('refuses %j', (specifier) => {
    expect(parsePlatform(specifier, amd64).ok).toBe(false);
  });

  it('reads a Windows OS version', () => {
    const parsed = parsePlatform('windows(10.0.17763)/amd64', amd64);
    expect(parsed).toMatchObject({ ok: true, value: { os: 'windows', osVersion: '10.0.17763', architecture: 'amd64' } });
    expect(platformArgs('windows(10.0.17763)/amd64', 'linux/amd64')).toMatchObject({ TARGETPLATFORM: 'windows(10.0.17763)/amd64', TARGETOSVERSION: '10.0.17763' });
  });
});

describe('platformArgs', () => {
  it('has BuildKit’s values for the image platform and the engine’s', () => {
    expect(platformArgs('linux/arm64/v8', 'linux/amd64')).toEqual({
      BUILDPLATFORM: 'linux/amd64',
      BUILDOS: 'linux',
      BUILDOSVERSION: '',
      BUILDARCH: 'amd64',
      BUILDVARIANT: '',
      TARGETPLATFORM: 'linux/arm64',
      TARGETOS: 'linux',
      TARGETOSVERSION: '',
      TARGETARCH: 'arm64',
      TARGETVARIANT: '',
    });
    expect(platformArgs('linux/arm', 'linux/arm64')).toMatchObject({ TARGETPLATFORM: 'linux/arm/v7', TARGETARCH: 'arm', TARGETVARIANT: 'v7', BUILDARCH: 'arm64' });
    // No platform: the engine's own.
    expect(platformArgs(undefined, 'linux/arm/v7')).toMatchObject({ TARGETPLATFORM: 'linux/arm/v7', TARGETVARIANT: 'v7' });
    expect(platformArgs('windows/amd64', 'linux/amd64')).toMatchObject({ TARGETOS: 'windows', TARGETARCH: 'amd64', TARGETVARIANT: '' });
  });

  // A hunt: random specifiers built from real and odd components. Whatever parses, parses to a
  // fixed point (BuildKit normalizes once and for all), and the ARGs are its parts; nothing throws.
  it('normalizes to a fixed point on 2000 random specifiers', () => {
    const parts = ['linux', 'Linux', 'windows', 'darwin', 'macos', 'amd64', 'x86_64', 'arm', 'arm64', 'aarch64', 'armhf', 'i386', 'v7', '7', 'v8', 'V8', '9', 'v1', 'v2', '', 'x', ',', '*'];
    let seed = 3;
    const next = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648), (seed >>> 16) % n);
    for (let i = 0; i < 2000; i++) {
      const specifier = Array.from({ length: 1 + next(4) }, () => parts[next(parts.length)]).join(next(5) === 0 ? ',' : '/');
      const parsed = parsePlatform(specifier, amd64);
      if (!parsed.ok) {
        expect(typeof parsed.error, specifier).toBe('string');
        continue;
      }
      expect(specifier, specifier).not.toContain(',');
      const formatted = formatPlatform(parsed.value);
      const again = parsePlatform(formatted, amd64);
      expect(again.ok && formatPlatform(again.value), specifier).toBe(formatted);
      const args = platformArgs(specifier, 'linux/amd64');
      expect([args.TARGETOS, args.TARGETARCH, args.TARGETVARIANT].filter(Boolean).join('/'), specifier).toBe(formatted);
    }
  });
});
