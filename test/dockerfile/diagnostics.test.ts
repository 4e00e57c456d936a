import { describe, expect, it } from 'vitest';
import { analyzeDockerfile, imageReferences, neededStages, platformArgs } from '../../src/dockerfile/index.js';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';

const FILE = '/repo/services/api/Dockerfile';

function problems(text: string, buildArgs?: Record<string, string>): Diagnostic[] {
  const result = analyzeDockerfile({ file: FILE, text, buildArgs, displayPath: 'services/api/Dockerfile' });
  if (result.ok) throw new Error('expected diagnostics');
  return result.error;
}

const brief = (ds: Diagnostic[]) => ds.map((d) => `${d.location?.line}:${d.location?.column} ${d.message}`);

describe('analyzeDockerfile diagnostics', () => {
  it('reports a Dockerfile without FROM', () => {
    expect(problems('# nothing\nARG X=1\n')).toEqual([
      {
        kind: 'usage',
        message: 'services/api/Dockerfile has no FROM instruction',
        location: { file: FILE, line: 1, column: 1 },
        hint: 'A Dockerfile starts with FROM <image> (optionally preceded by ARG lines).',
      },
    ]);
  });

  it('reports unknown instructions with a suggestion, and instructions before FROM', () => {
    const ds = problems('RUN true\nFROM busybox\nCOPPY a b\nFOOBAR x\n');
    expect(brief(ds)).toEqual(['1:1 RUN comes before the first FROM', '3:1 unknown instruction: COPPY', '4:1 unknown instruction: FOOBAR']);
    expect(ds[1]?.hint).toBe('Did you mean COPY?');
    expect(ds.every((d) => d.kind === 'usage' && d.hint)).toBe(true);
  });

  it('reports FROM without an image and FROM with a wrong shape', () => {
    expect(brief(problems('FROM\nFROM a b\nFROM busybox AS 1st\n'))).toEqual([
      '1:1 FROM requires an image',
      '2:1 FROM requires either one or three arguments',
      '3:17 invalid stage name "1st"',
    ]);
  });

  it('reports an ARG that expands to nothing, with the variable to set', () => {
    const [d] = problems('FROM ${BASE}\n');
    expect(d?.message).toBe('FROM ${BASE}: BASE is not declared before the first FROM, so the image name is blank');
    expect(d?.location).toEqual({ file: FILE, line: 1, column: 6, endLine: 1, endColumn: 13 });
    expect(d?.hint).toBe(
      'Declare ARG BASE before the first FROM, then set it for the image with "args: { BASE: <value> }" in images.yaml or --set <image>.args.BASE=<value>, or give the ARG a default (ARG BASE=<value>).',
    );
    // A stage ARG is not visible to FROM, as in docker.
    expect(brief(problems('FROM busybox\nARG BASE=x\nFROM $BASE\n'))).toEqual(['3:6 FROM $BASE: BASE is not declared before the first FROM, so the image name is blank']);
  });

  it('reports invalid references, bad substitutions, bad stage indexes and duplicate names', () => {
    const ds = problems(
      [
        'ARG TAG',
        'FROM Acme/Base AS one',
        'FROM busybox:${TAG:?required} AS two',
        'COPY --from=7 /a /a',
        'COPY --from=two /a /a',
        'FROM busybox AS ONE',
      ].join('\n'),
    );
    expect(brief(ds)).toEqual([
      '2:6 invalid image reference "Acme/Base" in FROM Acme/Base: repository name must be lowercase ("Base")',
      '3:6 FROM busybox:${TAG:?required}: TAG: required',
      '4:13 invalid stage index 7',
      '5:13 COPY --from=two refers to its own stage',
      '6:17 duplicate stage name "one"',
    ]);
    expect(ds[4]?.related?.[0]?.location.line).toBe(2);
  });
});

describe('neededStages and imageReferences', () => {
  const text = [
    'FROM acme/base:1 AS build',
    'RUN --mount=type=cache,target=/c --mount=from=acme/tools,target=/t make',
    'FROM acme/unused:1 AS lint',
    'COPY --from=build /out /out',
    'FROM scratch AS runtime',
    'COPY --from=build /out /out',
    'COPY --from=acme/lib:2 /lib /lib',
    'COPY --from=0 /x /x',
  ].join('\n');
  const result = analyzeDockerfile({ file: FILE, text, displayPath: 'services/api/Dockerfile' });
  if (!result.ok) throw new Error('fixture must analyze');
  const analysis = result.value;

  it('walks FROM and --from edges from the target, skipping unused stages', () => {
    expect(neededStages(analysis)).toEqual({ ok: true, value: [0, 2] });
    expect(neededStages(analysis, 'LINT')).toEqual({ ok: true, value: [0, 1] });
    expect(neededStages(analysis, 'build')).toEqual({ ok: true, value: [0] });
  });

  it('lists only image references of needed stages, never stages or scratch', () => {
    expect(imageReferences(analysis).map((r) => [r.kind, r.ref])).toEqual([
      ['from', 'acme/base:1'],
      ['mount-from', 'acme/tools'],
      ['copy-from', 'acme/lib:2'],
    ]);
    expect(imageReferences(analysis, 'lint').map((r) => r.ref)).toEqual(['acme/base:1', 'acme/tools', 'acme/unused:1']);
  });

  it('reports an unknown target with the stages and a suggestion', () => {
    const location = { file: '/repo/images.yaml', line: 9, column: 13 };
    expect(neededStages(analysis, 'runtme', location)).toEqual({
      ok: false,
      error: {
        kind: 'usage',
        message: 'target "runtme" is not a stage of services/api/Dockerfile; its stages are: build, lint, runtime',
        hint: 'Did you mean "runtime"?',
        location,
      },
    });
    const other = neededStages(analysis, 'deploy');
    expect(!other.ok && other.error.hint).toBe('Set target to one of those stage names, or leave it out to build the last stage.');
    expect(imageReferences(analysis, 'deploy')).toEqual([]);
  });

  it('says so when no stage has a name', () => {
    const unnamed = analyzeDockerfile({ file: FILE, text: 'FROM busybox\n' });
    if (!unnamed.ok) throw new Error('fixture must analyze');
    const r = neededStages(unnamed.value, 'x');
    expect(!r.ok && r.error.message).toBe(`target "x" is not a stage of ${FILE}; it has no named stages`);
  });
});

describe('FROM --platform, as BuildKit refuses it', () => {
  it.each([
    ['FROM --platform=$NOPE busybox\n', 'FROM --platform=$NOPE: empty platform value'],
    ['FROM --platform=linux/amd64,linux/arm64 busybox\n', 'FROM --platform=linux/amd64,linux/arm64: invalid platform "amd64,linux" is not a valid component of "linux/amd64,linux/arm64"'],
    ['ARG P=linux/arm64/v8/x\nFROM --platform=${P} busybox\n', 'FROM --platform=${P}: invalid platform "linux/arm64/v8/x": cannot parse platform specifier'],
  ])('%j', (text, message) => {
    const result = analyzeDockerfile({ file: '/x/Dockerfile', text });
    expect(!result.ok && result.error.map((d) => d.message)).toEqual([message]);
  });

  it('takes $BUILDPLATFORM and $TARGETPLATFORM with their values', () => {
    const result = analyzeDockerfile({ file: '/x/Dockerfile', text: 'FROM --platform=$BUILDPLATFORM busybox AS b\nFROM --platform=${TARGETPLATFORM} busybox\n', platform: 'linux/arm' });
    expect(result.ok && result.value.stages.map((s) => s.platform)).toEqual([platformArgs(undefined).BUILDPLATFORM, 'linux/arm/v7']);
  });
});
