import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runCli, type CliResult } from '../helpers/cli.js';
import { tempProject, type TempProject } from '../helpers/project.js';
import { monorepoFiles } from '../plan/monorepo.js';

let project: TempProject;
beforeAll(async () => {
  project = await tempProject(monorepoFiles);
});
afterAll(() => project.remove());

/** Runs kiln in the monorepo; the project id reads `ID` so goldens are stable. */
async function kiln(...args: string[]): Promise<CliResult> {
  const r = await runCli(args, { cwd: project.root });
  return { code: r.code, stdout: r.stdout.replaceAll(project.id, 'ID'), stderr: r.stderr.replaceAll(project.id, 'ID') };
}

describe('kiln validate', () => {
  test('prints nothing and exits 0 on a valid manifest', async () => {
    expect(await kiln('validate')).toEqual({ code: 0, stdout: '', stderr: '' });
  });
});

describe('kiln plan', () => {
  test('all images, in waves, with every edge and where it was written', async () => {
    expect(await kiln('plan', '--offline')).toEqual({
      code: 0,
      stderr: '',
      stdout: `ID (images.yaml): 6 images in 2 waves

wave 1
  base  127.0.0.1:5000/ID/base:latest
    ← busybox:latest  external base
    ← 127.0.0.1:5000/ID/base@sha256:3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f  external base
  proto  ID/proto:latest
    ← busybox:latest  external base

wave 2
  api  127.0.0.1:5000/ID/api:1.0, 127.0.0.1:5000/ID/api:latest
    ← base  FROM 127.0.0.1:5000/ID/base:latest  (services/api/Dockerfile:3)
    ← proto  COPY --from=docker.io/ID/proto:latest  (services/api/Dockerfile:4)
  worker  127.0.0.1:5000/ID/worker:latest
    ← base  FROM 127.0.0.1:5000/ID/base  (services/worker/Dockerfile:1)
    ← proto  RUN --mount from=ID/proto  (services/worker/Dockerfile:2)
  tools  127.0.0.1:5000/ID/tools:latest
    ← proto  COPY --from=ID/proto  (docker/tools.Dockerfile:2)
    ← busybox:latest  external base
  admin  127.0.0.1:5000/ID/admin:latest  (target slim)
    ← proto  depends_on  (images.yaml:24)
    ← busybox:latest  external base
`,
    });
  });

  test('a selection of an image and a group brings their dependencies', async () => {
    const r = await kiln('plan', '--offline', 'admin', 'backend');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('ID (images.yaml): 5 images in 2 waves');
    expect(r.stdout.match(/^ {2}\S+/gm)).toEqual(['  base', '  proto', '  api', '  worker', '  admin']);
  });

  test('--json has each image with its fields and the order as waves', async () => {
    const r = await kiln('plan', '--offline', '--json', 'everything');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { images: Record<string, unknown>[]; order: string[][] };
    expect(doc.order).toEqual([['base', 'proto'], ['api', 'worker', 'tools']]);
    expect(doc.images.find((i) => i.name === 'tools')).toEqual({
      name: 'tools',
      repository: '127.0.0.1:5000/ID/tools',
      tags: ['latest'],
      context: 'services/tools',
      dockerfile: 'docker/tools.Dockerfile',
      target: null,
      platform: null,
      dependsOn: ['proto'],
      edges: [{ dependency: 'proto', kind: 'copy-from', ref: 'ID/proto', location: 'docker/tools.Dockerfile:2:13' }],
      externalBases: ['busybox:latest'],
    });
    expect(doc.images.find((i) => i.name === 'api')).toMatchObject({ tags: ['1.0', 'latest'], dependsOn: ['base', 'proto'], target: null });
  });

  test('an unknown name exits 2 with a suggestion', async () => {
    expect(await kiln('plan', '--offline', 'apx')).toEqual({
      code: 2,
      stdout: '',
      stderr: 'error: "apx" is neither an image nor a group of images.yaml\n  hint: did you mean "api"?\n',
    });
  });
});

describe('kiln graph', () => {
  test('dot (the default)', async () => {
    expect(await kiln('graph', 'backend')).toEqual({
      code: 0,
      stderr: '',
      stdout: `digraph kiln {
  rankdir=LR;
  node [shape=box];
  "base" [label="base\\n127.0.0.1:5000/ID/base"];
  "proto" [label="proto\\nID/proto"];
  "api" [label="api\\n127.0.0.1:5000/ID/api"];
  "worker" [label="worker\\n127.0.0.1:5000/ID/worker"];
  "api" -> "base" [label="FROM 127.0.0.1:5000/ID/base:latest"];
  "api" -> "proto" [label="COPY --from=docker.io/ID/proto:latest"];
  "worker" -> "base" [label="FROM 127.0.0.1:5000/ID/base"];
  "worker" -> "proto" [label="RUN --mount from=ID/proto"];
}
`,
    });
  });

  test('mermaid', async () => {
    expect((await kiln('graph', '--format', 'mermaid', 'admin', 'tools')).stdout).toBe(`graph LR
  n0["proto"]
  n1["tools"]
  n2["admin"]
  n1 -->|"COPY --from=ID/proto"| n0
  n2 -->|"depends_on"| n0
`);
  });

  test('json', async () => {
    const r = await kiln('graph', '--format', 'json', 'admin');
    expect(JSON.parse(r.stdout)).toEqual({
      nodes: [
        { name: 'proto', repository: 'ID/proto', dependsOn: [] },
        { name: 'admin', repository: '127.0.0.1:5000/ID/admin', dependsOn: ['proto'] },
      ],
      edges: [{ from: 'admin', to: 'proto', kind: 'depends_on', ref: null }],
      order: [['proto'], ['admin']],
    });
  });

  test('an unknown format is bad usage', async () => {
    const r = await kiln('graph', '--format', 'svg');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error: option '--format <format>' argument 'svg' is invalid. Allowed choices are dot, mermaid, json.`);
  });
});

describe('--help', () => {
  const flags: Record<string, string[]> = {
    validate: ['-f, --file <file>', '--var <name=value>', '--set <image.field=value>'],
    plan: ['-f, --file <file>', '--var <name=value>', '--set <image.field=value>', '--json', '--offline', 'names', 'kiln plan api backend'],
    graph: ['-f, --file <file>', '--var <name=value>', '--set <image.field=value>', '--format <format>', 'dot, mermaid or json', 'names', 'kiln graph | dot -Tsvg'],
  };
  test.each(Object.entries(flags))('kiln %s --help lists its flags', async (command, expected) => {
    const r = await kiln(command, '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Usage: kiln ${command} [options]`);
    for (const flag of expected) expect(r.stdout).toContain(flag);
  });

  test('kiln --help lists every command', async () => {
    const r = await kiln('--help');
    expect(r.code).toBe(0);
    for (const command of ['validate', 'plan', 'graph', 'build']) expect(r.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
  });
});
