// Shared setup of the lifecycle command tests: the real engine and registries, the real docker CLI.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, type CliResult } from '../helpers/cli.js';
import { tempProject, type TempProject } from '../helpers/project.js';
import { services, type TestServices } from '../helpers/services.js';

/** A kiln project folder plus the environment to run kiln and docker against the test services. */
export interface Fixture {
  s: TestServices;
  project: TempProject;
  /** Environment for kiln and docker: the test engine, a private docker config folder. */
  env: NodeJS.ProcessEnv;
  kiln(args: string[], extra?: NodeJS.ProcessEnv): Promise<CliResult>;
  docker(...args: string[]): string;
  /** Writes credentials for the auth registry into the private docker config. */
  login(): void;
}

/** A one-image project `app` FROM `base` (default: the test busybox), named after its id. */
export async function fixture(options: { base?: string; files?: Record<string, string> } = {}): Promise<Fixture> {
  const s = services();
  const project = await tempProject({
    'images.yaml': 'version: 1\nname: {{id}}\nimages:\n  app:\n    context: app\n    repository: {{id}}-app\n    tags: [latest]\n',
    'app/Dockerfile': `FROM ${options.base ?? s.baseImage}\nCOPY f /f\n`,
    'app/f': 'one\n',
    ...options.files,
  });
  const config = join(project.root, '.docker');
  mkdirSync(config, { recursive: true });
  const env: NodeJS.ProcessEnv = { DOCKER_HOST: s.dockerHost, DOCKER_CONFIG: config };
  return {
    s,
    project,
    env,
    kiln: (args, extra = {}) => runCli(args, { cwd: project.root, env: { ...env, ...extra } }),
    docker: (...args) => execFileSync(s.dockerCli, args, { env: { ...process.env, ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }),
    login: () => {
      const auth = Buffer.from(`${s.authUser}:${s.authPassword}`).toString('base64');
      writeFileSync(join(config, 'config.json'), JSON.stringify({ auths: { [s.authRegistry]: { auth } } }));
    },
  };
}

/** Removes every image of the project (by label and by repository prefix). */
export function cleanup(f: Fixture): void {
  const ids = f.docker('images', '-q', '--no-trunc', '--filter', `label=dev.kiln.project=${f.project.id}`).split('\n').filter(Boolean);
  const tags = f.docker('images', '--format', '{{.Repository}}:{{.Tag}}', '--filter', `reference=*${f.project.id}*`).split('\n').filter((t) => t && !t.endsWith(':<none>'));
  const more = f.docker('images', '--format', '{{.Repository}}:{{.Tag}}', '--filter', `reference=*/*${f.project.id}*`).split('\n').filter((t) => t && !t.endsWith(':<none>'));
  for (const ref of new Set([...tags, ...more, ...ids])) {
    try {
      f.docker('rmi', '-f', ref);
    } catch {
      // already gone with an earlier reference
    }
  }
}

/** A header kept first, rows sorted: docker's row order between repositories of one image is Go map order. */
export const sortLines = (text: string): string => {
  const [header = '', ...rows] = text.split('\n');
  return [header, ...rows.sort()].join('\n');
};
