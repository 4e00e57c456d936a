import { describe, expect, it } from 'vitest';
import { analyzeDockerfile } from '../../src/dockerfile/index.js';
import type { DockerfileAnalysis } from '../../src/dockerfile/index.js';

const FILE = '/repo/services/api/Dockerfile';

function analyze(text: string, buildArgs?: Record<string, string>): DockerfileAnalysis {
  const result = analyzeDockerfile({ file: FILE, text, buildArgs, platform: 'linux/arm64' });
  if (!result.ok) throw new Error(result.error.map((d) => d.message).join('\n'));
  return result.value;
}

const refs = (a: DockerfileAnalysis) => a.references.map((r) => [r.kind, r.stage, r.ref, r.stageRef]);

describe('analyzeDockerfile: FROM and ARG expansion', () => {
  it('expands global ARGs with defaults, modifiers and build-arg overrides', () => {
    const text = ['ARG BASE=acme/base', 'ARG TAG', 'FROM ${BASE}:${TAG:-latest} AS build', 'RUN make'].join('\n');
    const plain = analyze(text);
    expect(plain.stages).toEqual([
      {
        index: 0,
        name: 'build',
        base: 'acme/base:latest',
        baseRaw: '${BASE}:${TAG:-latest}',
        location: { file: FILE, line: 3, column: 6, endLine: 3, endColumn: 28 },
      },
    ]);
    expect(plain.globalArgs).toEqual({ BASE: 'acme/base', TAG: undefined });
    const overridden = analyze(text, { TAG: '2', BASE: '127.0.0.1:5000/acme/base', UNUSED: 'x' });
    expect(overridden.stages[0]?.base).toBe('127.0.0.1:5000/acme/base:2');
    expect(overridden.globalArgs).toEqual({ BASE: '127.0.0.1:5000/acme/base', TAG: '2' });
  });

  it('supports $VAR, ${VAR:+alt}, ${VAR-default}, defaults built from earlier ARGs, and quotes', () => {
    const text = [
      'ARG REG=127.0.0.1:5000',
      'ARG IMAGE="$REG/acme/base"',
      'ARG DEBUG',
      'ARG FLAVOR=slim',
      'FROM $IMAGE:1${DEBUG:+-debug} AS one',
      'FROM acme/${UNDECLARED-x}:${FLAVOR:+$FLAVOR-2} AS two',
      'FROM "acme/quoted:${DEBUG:-1}" AS three',
    ].join('\n');
    expect(analyze(text).stages.map((s) => s.base)).toEqual(['127.0.0.1:5000/acme/base:1', 'acme/x:slim-2', 'acme/quoted:1']);
    expect(analyze(text, { DEBUG: 'on' }).stages.map((s) => s.base)).toEqual([
      '127.0.0.1:5000/acme/base:1-debug',
      'acme/x:slim-2',
      'acme/quoted:on',
    ]);
  });

  it('expands FROM --platform with the automatic platform ARGs', () => {
    const a = analyze(['FROM --platform=$BUILDPLATFORM busybox AS build', 'FROM acme/run-${TARGETARCH}'].join('\n'));
    expect(a.stages[0]?.platform).toMatch(/^linux\//);
    expect(a.stages[0]?.location).toMatchObject({ line: 1, column: 32 });
    expect(a.stages[1]?.base).toBe('acme/run-arm64');
  });

  it('reads lowercase instructions, stage names case-insensitively, and FROM of an earlier stage', () => {
    const a = analyze(['from busybox as Build', 'from BUILD as test', 'FROM scratch', 'copy --from=build /a /a'].join('\n'));
    expect(a.stages.map((s) => [s.name, s.base, s.baseStage])).toEqual([
      ['build', 'busybox', undefined],
      ['test', 'BUILD', 0],
      [undefined, 'scratch', undefined],
    ]);
    expect(refs(a)).toEqual([
      ['from', 0, 'busybox', undefined],
      ['from', 1, 'BUILD', 0],
      ['from', 2, 'scratch', undefined],
      ['copy-from', 2, 'build', 0],
    ]);
  });

  it('treats FROM of a stage defined later as an image', () => {
    const a = analyze(['FROM later AS first', 'FROM busybox AS later'].join('\n'));
    expect(a.stages[0]?.baseStage).toBeUndefined();
    expect(refs(a)[0]).toEqual(['from', 0, 'later', undefined]);
  });
});

describe('analyzeDockerfile: COPY --from and RUN --mount', () => {
  it('resolves stage names, indexes and images', () => {
    const a = analyze(
      [
        'FROM busybox AS build',
        'FROM busybox AS tools',
        'COPY --from=0 /a /a',
        'COPY --from=build /b /b',
        'COPY --link --from=acme/lib:1 /c /c',
        'COPY --from=runtime /d /d',
        'ADD --chown=1 x /x',
        'FROM busybox AS runtime',
      ].join('\n'),
    );
    expect(refs(a).filter((r) => r[0] === 'copy-from')).toEqual([
      ['copy-from', 1, '0', 0],
      ['copy-from', 1, 'build', 0],
      ['copy-from', 1, 'acme/lib:1', undefined],
      // BuildKit resolves COPY --from against every stage name, later ones included.
      ['copy-from', 1, 'runtime', 2],
    ]);
    expect(a.references.find((r) => r.ref === 'acme/lib:1')?.location).toEqual({
      file: FILE,
      line: 5,
      column: 20,
      endLine: 5,
      endColumn: 30,
    });
  });

  it('rejects variables in --from and mount from=, as BuildKit does not expand them', () => {
    const text = ['ARG LIB=acme/lib:1', 'FROM busybox', 'ARG LIB', 'COPY --from=$LIB /a /a', 'RUN --mount=from=${LIB},target=/l true'].join('\n');
    const result = analyzeDockerfile({ file: FILE, text });
    expect(!result.ok && result.error.map((d) => [d.location?.line, d.location?.column, d.message, d.hint])).toEqual([
      [4, 13, 'COPY --from=$LIB: variable expansion is not supported in --from or mount from=', 'Declare ARG LIB before the first FROM, add a stage "FROM $LIB AS <name>", and refer to that stage name instead.'],
      [5, 18, 'RUN --mount=from=${LIB},target=/l: variable expansion is not supported in --from or mount from=', 'Declare ARG LIB before the first FROM, add a stage "FROM $LIB AS <name>", and refer to that stage name instead.'],
    ]);
    // Quotes are removed, as the flag parser does.
    const quoted = analyze('FROM busybox AS b\nFROM busybox\nCOPY --from="b" /a /a\n');
    expect(refs(quoted)[2]).toEqual(['copy-from', 1, 'b', 0]);
  });

  it('reads from= in any mount, in any key order, quoted or not', () => {
    const a = analyze(
      [
        'FROM busybox AS build',
        'FROM busybox',
        'RUN --mount=type=cache,target=/x --mount=from=acme/tools,source=/bin,target=/t true',
        'RUN --mount=type=bind,source=/out,from=build,target=/o --mount="type=bind,from=acme/q:1,target=/q" true',
        "RUN --mount=target=/r,FROM='acme/r' --network=none true",
      ].join('\n'),
    );
    expect(refs(a).filter((r) => r[0] === 'mount-from')).toEqual([
      ['mount-from', 1, 'acme/tools', undefined],
      ['mount-from', 1, 'build', 0],
      ['mount-from', 1, 'acme/q:1', undefined],
      ['mount-from', 1, 'acme/r', undefined],
    ]);
    expect(a.references.find((r) => r.ref === 'acme/tools')?.location).toMatchObject({ line: 3, column: 47, endColumn: 57 });
    expect(a.references.find((r) => r.ref === 'acme/q:1')?.location).toMatchObject({ line: 4, column: 80, endColumn: 88 });
  });
});

describe('analyzeDockerfile: syntax that must not confuse it', () => {
  it('ignores FROM and COPY --from inside heredocs', () => {
    const a = analyze(
      [
        'FROM busybox',
        'RUN <<EOF',
        'FROM inside/run',
        'COPY --from=inside/copy a b',
        'EOF',
        'COPY <<EOT /etc/x',
        'FROM inside/copy-heredoc',
        'EOT',
        'RUN <<-EOF cat',
        '\tCOPY --from=nope a b',
        '\tEOF',
      ].join('\n'),
    );
    expect(a.stages).toHaveLength(1);
    expect(refs(a)).toEqual([['from', 0, 'busybox', undefined]]);
  });

  it('handles the escape directive with a backtick, continuations, comments and blank lines', () => {
    const text = [
      '# escape=`',
      '',
      '# a comment',
      'ARG BASE=acme/base',
      'FROM $BASE `',
      '  AS build',
      'RUN echo \\ `',
      '  && true',
      '',
      'FROM busybox',
      'COPY --from=build `',
      '    C:\\a C:\\b',
    ].join('\n');
    const a = analyze(text);
    expect(a.stages.map((s) => [s.name, s.base])).toEqual([
      ['build', 'acme/base'],
      [undefined, 'busybox'],
    ]);
    expect(refs(a)[2]).toEqual(['copy-from', 1, 'build', 0]);
  });

  it('handles Windows line endings with exact locations', () => {
    const a = analyze('ARG V=1\r\nFROM acme/base:$V AS b\r\n\r\nFROM busybox\r\nCOPY --from=b \\\r\n  /x /y\r\n');
    expect(a.stages.map((s) => s.base)).toEqual(['acme/base:1', 'busybox']);
    expect(a.stages[1]?.location).toEqual({ file: FILE, line: 4, column: 6, endLine: 4, endColumn: 13 });
  });
});
