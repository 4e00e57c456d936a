import { describe, expect, it } from 'vitest';
import {
  familiarName,
  isValidRepository,
  isValidTag,
  normalizeReference,
  parseReference,
  referenceParts,
  registryHostAndPath,
  sameRepository,
} from '../../src/model/reference.js';
import { KilnError } from '../../src/diagnostics/diagnostic.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('normalizeReference', () => {
  it.each([
    ['busybox', { repository: 'docker.io/library/busybox', familiar: 'busybox' }],
    ['busybox:1.36', { repository: 'docker.io/library/busybox', tag: '1.36', familiar: 'busybox:1.36' }],
    ['library/busybox', { repository: 'docker.io/library/busybox', familiar: 'busybox' }],
    ['docker.io/library/busybox:latest', { repository: 'docker.io/library/busybox', tag: 'latest', familiar: 'busybox:latest' }],
    ['index.docker.io/acme/base', { repository: 'docker.io/acme/base', familiar: 'acme/base' }],
    ['acme/base', { repository: 'docker.io/acme/base', familiar: 'acme/base' }],
    ['127.0.0.1:5000/acme/api:1', { repository: '127.0.0.1:5000/acme/api', tag: '1', familiar: '127.0.0.1:5000/acme/api:1' }],
    ['localhost/api', { repository: 'localhost/api', familiar: 'localhost/api' }],
    ['localhost:5000/a/b/c', { repository: 'localhost:5000/a/b/c', familiar: 'localhost:5000/a/b/c' }],
    ['Registry/acme', { repository: 'Registry/acme', familiar: 'Registry/acme' }],
    ['[::1]:5000/acme/x', { repository: '[::1]:5000/acme/x', familiar: '[::1]:5000/acme/x' }],
    ['ghcr.io/a_b/c-d.e__f', { repository: 'ghcr.io/a_b/c-d.e__f', familiar: 'ghcr.io/a_b/c-d.e__f' }],
    [`busybox@${DIGEST}`, { repository: 'docker.io/library/busybox', digest: DIGEST, familiar: `busybox@${DIGEST}` }],
    [
      `127.0.0.1:5000/acme/base:1@${DIGEST}`,
      { repository: '127.0.0.1:5000/acme/base', tag: '1', digest: DIGEST, familiar: `127.0.0.1:5000/acme/base:1@${DIGEST}` },
    ],
  ])('%s', (ref, expected) => {
    expect(normalizeReference(ref)).toEqual(expected);
  });

  it.each([
    ['Busybox', 'repository name must be lowercase ("library/Busybox")'],
    ['acme/Base:1', 'repository name must be lowercase ("acme/Base")'],
    ['busybox:bad/tag', 'invalid registry host "busybox:bad"'],
    ['busybox:-x', 'invalid tag "-x"'],
    ['busybox@sha256:abc', 'invalid digest "sha256:abc"'],
    [`busybox@sha256:${'A'.repeat(64)}`, `invalid sha256 digest "sha256:${'A'.repeat(64)}" (64 lowercase hex characters expected)`],
    ['a'.repeat(64), 'a 64-character hexadecimal string is an image ID, not a repository name'],
    ['acme//base', 'invalid repository name "acme//base"'],
    ['', 'the reference is empty'],
  ])('rejects %s', (ref, reason) => {
    expect(parseReference(ref)).toEqual({ ok: false, error: reason });
  });

  it('throws a KilnError for a reference that should have been validated', () => {
    expect(() => normalizeReference('Bad')).toThrow(KilnError);
  });

  it('matches repositories across spellings', () => {
    expect(sameRepository('acme/base', 'docker.io/acme/base:1')).toBe(true);
    expect(sameRepository('busybox', 'docker.io/library/busybox')).toBe(true);
    expect(sameRepository('127.0.0.1:5000/acme/base', 'acme/base')).toBe(false);
  });
});

describe('reference parts', () => {
  it.each([
    ['busybox', { name: 'busybox' }],
    ['127.0.0.1:5000/acme/api', { name: '127.0.0.1:5000/acme/api' }],
    ['127.0.0.1:5000/acme/api:1', { name: '127.0.0.1:5000/acme/api', tag: '1' }],
    [`acme/base:1@${DIGEST}`, { name: 'acme/base', tag: '1', digest: DIGEST }],
  ])('cuts %s as written', (ref, expected) => expect(referenceParts(ref)).toEqual(expected));

  it('names repositories the short way docker prints them', () => {
    expect(familiarName('docker.io/library/busybox')).toBe('busybox');
    expect(familiarName('docker.io/acme/base')).toBe('acme/base');
    expect(familiarName('docker.io/library/a/b')).toBe('library/a/b');
    expect(familiarName('127.0.0.1:5000/acme/api')).toBe('127.0.0.1:5000/acme/api');
    expect(registryHostAndPath('docker.io/library/busybox')).toEqual({ host: 'docker.io', path: 'library/busybox' });
  });

  it('validates manifest tags and repositories', () => {
    expect(isValidTag('1.2.0')).toBe(true);
    expect(isValidTag('.x')).toBe(false);
    expect(isValidRepository('127.0.0.1:5000/acme/api')).toBe(true);
    expect(isValidRepository('acme/api:1')).toBe(false);
    expect(isValidRepository('Acme/Worker')).toBe(false);
    expect(isValidRepository('a'.repeat(64))).toBe(false);
  });
});
