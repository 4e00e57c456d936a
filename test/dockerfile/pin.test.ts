import { describe, expect, it } from 'vitest';
import { analyzeDockerfile, pinBaseImages } from '../../src/dockerfile/index.js';

const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;
const D3 = `sha256:${'3'.repeat(64)}`;

function refsOf(text: string): string[] {
  const a = analyzeDockerfile({ file: '/x/Dockerfile', text });
  if (!a.ok) throw new Error(a.error.map((d) => d.message).join('\n'));
  return a.value.references.map((r) => r.ref);
}

describe('pinBaseImages', () => {
  it('rewrites FROM, COPY --from and mount from= in place, keeping every other byte', () => {
    const text = [
      '# syntax=docker/dockerfile:1',
      'FROM --platform=$BUILDPLATFORM   busybox   AS   build  ',
      'RUN --mount=type=cache,target=/c --mount="from=acme/tools,target=/t" make',
      'FROM scratch',
      'COPY --link --from=acme/lib:1 /a /a',
      'COPY --from=build /b /b',
      '',
    ].join('\r\n');
    const pins = new Map([
      ['busybox', `busybox@${D1}`],
      ['acme/tools', `acme/tools@${D2}`],
      ['acme/lib:1', `acme/lib:1@${D3}`],
      ['build', 'never/used'],
      ['scratch', 'never/used'],
    ]);
    const pinned = pinBaseImages(text, pins);
    expect(pinned).toBe(
      [
        '# syntax=docker/dockerfile:1',
        `FROM --platform=$BUILDPLATFORM   busybox@${D1}   AS   build  `,
        `RUN --mount=type=cache,target=/c --mount="from=acme/tools@${D2},target=/t" make`,
        'FROM scratch',
        `COPY --link --from=acme/lib:1@${D3} /a /a`,
        'COPY --from=build /b /b',
        '',
      ].join('\r\n'),
    );
    expect(refsOf(pinned)).toEqual([`busybox@${D1}`, `acme/tools@${D2}`, 'scratch', `acme/lib:1@${D3}`, 'build']);
    // Pinning again is a no-op: the pinned references are not in the map.
    expect(pinBaseImages(pinned, pins)).toBe(pinned);
  });

  it('replaces an ARG-built FROM by its expanded, pinned value', () => {
    const text = 'ARG BASE=acme/base\nARG TAG\nFROM ${BASE}:${TAG:-latest} AS build\nRUN true\n';
    const pins = new Map([['acme/base:latest', `acme/base:latest@${D1}`]]);
    expect(pinBaseImages(text, pins)).toBe(`ARG BASE=acme/base\nARG TAG\nFROM acme/base:latest@${D1} AS build\nRUN true\n`);
    // With the build args the image is built with, the expansion (and so the pin) follows them.
    const withArgs = new Map([['acme/base:2', `acme/base:2@${D2}`]]);
    expect(pinBaseImages(text, withArgs, { buildArgs: { TAG: '2' } })).toContain(`FROM acme/base:2@${D2} AS build`);
    expect(pinBaseImages(text, withArgs)).toBe(text);
  });

  it('leaves text that does not analyze unchanged', () => {
    const text = 'FROM $NOPE\n';
    expect(pinBaseImages(text, new Map([['', 'x']]))).toBe(text);
  });
});
