import { afterEach, describe, expect, test } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempProject, type TempProject } from '../helpers/project.js';

// Issue #10, items 1-5: Dockerfiles as BuildKit reads them, and the refusals, through the CLI.
const made: TempProject[] = [];
afterEach(async () => {
  await Promise.all(made.splice(0).map((p) => p.remove()));
});

async function kiln(files: Record<string, string>, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const project = await tempProject(files);
  made.push(project);
  return runCli(args, { cwd: project.root, env: { VERSION: undefined } });
}

const manifest = (extra = '') => `version: 1\nimages:\n  app:\n    context: app\n${extra}`;

describe('ARG without a value in FROM', () => {
  test('FROM alpine:${X} with ARG X and no value: refused at the FROM, naming X and how to set it', async () => {
    const r = await kiln({ 'images.yaml': manifest(), 'app/Dockerfile': 'ARG X\nFROM alpine:${X}\n' }, ['validate']);
    expect(r).toEqual({
      code: 2,
      stdout: '',
      stderr: `app/Dockerfile:2:6: error: FROM alpine:\${X}: ARG X has no value, so the image is "alpine:", not a valid reference
  2 | FROM alpine:\${X}
    |      ^~~~~~~~~~~
  hint: Set it for the image with "args: { X: <value> }" in images.yaml or --set <image>.args.X=<value>, or give the ARG a default (ARG X=<value>).
`,
    });
  });

  test('FROM ${BASE} with nothing declared: the blank base name, and the ARG to declare', async () => {
    const r = await kiln({ 'images.yaml': manifest(), 'app/Dockerfile': 'FROM ${BASE}\n' }, ['validate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`app/Dockerfile:1:6: error: FROM \${BASE}: BASE is not declared before the first FROM, so the image name is blank
  1 | FROM \${BASE}
    |      ^~~~~~~
  hint: Declare ARG BASE before the first FROM, then set it for the image with "args: { BASE: <value> }" in images.yaml or --set <image>.args.BASE=<value>, or give the ARG a default (ARG BASE=<value>).
`);
  });

  test('the value set with --set, or args:, is used', async () => {
    const files = { 'images.yaml': manifest(), 'app/Dockerfile': 'ARG X\nFROM alpine:${X}\n' };
    const r = await kiln(files, ['plan', '--offline', '--json', '--set', 'app.args.X=3.21']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('alpine:3.21');
  });
});

describe('platform: takes one platform', () => {
  test('a comma list is refused at its location, with the multi-platform hint', async () => {
    const r = await kiln({ 'images.yaml': manifest('    platform: linux/amd64,linux/arm64\n'), 'app/Dockerfile': 'FROM busybox\n' }, ['validate']);
    expect(r).toEqual({
      code: 2,
      stdout: '',
      stderr: `images.yaml:5:15: error: platform "linux/amd64,linux/arm64" names 2 platforms; an image is built for one
  5 |     platform: linux/amd64,linux/arm64
    |               ^~~~~~~~~~~~~~~~~~~~~~~
  hint: give each platform its own image (platform: linux/amd64, platform: linux/arm64); multi-platform images (one index for several platforms) will get their own "platforms:" field
`,
    });
  });

  test('from defaults, and from --set, once', async () => {
    const files = {
      'images.yaml': 'version: 1\ndefaults:\n  platform: linux/amd64/v2/x\nimages:\n  a:\n    context: app\n  b:\n    context: app\n',
      'app/Dockerfile': 'FROM busybox\n',
    };
    const r = await kiln(files, ['validate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`images.yaml:3:13: error: invalid platform "linux/amd64/v2/x": cannot parse platform specifier
  3 |   platform: linux/amd64/v2/x
    |             ^~~~~~~~~~~~~~~~
  hint: a platform is os/arch[/variant], as docker build --platform takes it: linux/amd64, linux/arm64, linux/arm/v7
`);
    const set = await kiln({ ...files, 'images.yaml': manifest() }, ['validate', '--set', 'app.platform=linux/arm64,linux/amd64']);
    expect(set.code).toBe(2);
    expect(set.stderr).toContain('error: platform "linux/arm64,linux/amd64" names 2 platforms; an image is built for one (in --set "app.platform=linux/arm64,linux/amd64")');
  });

  test.each([
    ['linux/arm64', 'arm64', ''],
    ['linux/arm64/v8', 'arm64', ''],
    ['linux/arm', 'arm', 'v7'],
    ['linux/arm/v6', 'arm', 'v6'],
    ['linux/amd64/v2', 'amd64', 'v2'],
    ['windows/amd64', 'amd64', ''],
  ])('platform %s: TARGETARCH %s, TARGETVARIANT "%s" in FROM', async (platform, arch, variant) => {
    const r = await kiln(
      {
        'images.yaml': manifest(`    platform: ${platform}\n`),
        'app/Dockerfile': 'ARG TARGETARCH\nARG TARGETVARIANT\nFROM busybox:${TARGETARCH}${TARGETVARIANT:+-}${TARGETVARIANT}\n',
      },
      ['plan', '--offline', '--json'],
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`busybox:${arch}${variant ? `-${variant}` : ''}"`);
  });
});

describe('substitutions real Dockerfiles use', () => {
  test("moby's and buildkit's: ${VAR#pattern}, ${VAR%%pattern}, ${VAR//pat/repl}, and quotes in ${VAR:-\"x\"}", async () => {
    const r = await kiln(
      {
        'images.yaml': manifest(),
        'app/Dockerfile': [
          'ARG GO_VERSION=1.23.4',
          'ARG BASE_DEBIAN_DISTRO="bookworm"',
          'ARG PLATFORM=linux/arm/v7',
          'ARG TAG',
          'FROM golang:${GO_VERSION%.*}-${BASE_DEBIAN_DISTRO} AS go',
          'FROM busybox:${PLATFORM##*/}${TAG:-"-x"} AS b',
          'FROM busybox:${PLATFORM//\\//-} AS c',
          'FROM go',
          'COPY --from=b /a /a',
          'COPY --from=c /a /a',
          '',
        ].join('\n'),
      },
      ['plan', '--offline', '--json'],
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('golang:1.23-bookworm');
    expect(r.stdout).toContain('busybox:v7-x');
    expect(r.stdout).toContain('busybox:linux-arm-v7');
  });
});
