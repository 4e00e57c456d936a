// A broken or wrong credential configuration, from outside: the CLI against the real engine and the
// htpasswd registry. Each case holds a unique secret; it (and its base64 forms) must appear nowhere:
// stdout, stderr, `--progress json` events, files under .kiln/.
import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseEvents, runCli } from '../helpers/cli.js';
import { tempProject, type TempProject } from '../helpers/project.js';
import { realEngine, services } from '../helpers/services.js';
import { expectedPlace, malformedConfigs, secretForms } from '../registry/malformed-configs.js';

const s = services();
const made: TempProject[] = [];
const dirs: string[] = [];
afterAll(async () => {
  // `kiln push` builds before it pushes: remove what each project built.
  const engine = realEngine();
  for (const project of made) {
    for (const image of await engine.listImages({ filters: { label: [`dev.kiln.project=${project.id}`] } })) {
      for (const ref of image.RepoTags ?? []) await engine.removeImage(ref, {}).catch(() => []);
    }
  }
  await engine.close();
  await Promise.all([...made.map((p) => p.remove()), ...dirs.map((d) => rm(d, { recursive: true, force: true }))]);
});

/** A one-image project pushing to the htpasswd registry, and a DOCKER_CONFIG folder holding `config` (and a helper). */
async function setup(config: string, helper?: string): Promise<{ project: TempProject; env: NodeJS.ProcessEnv }> {
  const project = await tempProject({
    'images.yaml': `version: 1\nname: "{{id}}"\nimages:\n  app:\n    context: app\n    repository: ${s.authRegistry}/{{id}}/app\n    tags: [latest]\n`,
    'app/Dockerfile': `FROM ${s.baseImage}\nCOPY f /f\n`,
    'app/f': 'secret test\n',
  });
  made.push(project);
  const configDir = await mkdtemp(join(tmpdir(), 'kiln-secret-config-'));
  dirs.push(configDir);
  await writeFile(join(configDir, 'config.json'), config);
  if (helper !== undefined) {
    await writeFile(join(configDir, 'docker-credential-kilnecho'), `#!/bin/sh\nread -r server\n${helper}\n`);
    await chmod(join(configDir, 'docker-credential-kilnecho'), 0o755);
  }
  return { project, env: { DOCKER_HOST: s.dockerHost, DOCKER_CONFIG: configDir, PATH: `${configDir}${delimiter}${process.env.PATH ?? ''}` } };
}

/** Every file under .kiln/, concatenated. */
async function kilnFiles(root: string): Promise<string> {
  const entries = await readdir(join(root, '.kiln'), { recursive: true, withFileTypes: true }).catch(() => []);
  const texts = await Promise.all(entries.filter((e) => e.isFile()).map((e) => readFile(join(e.parentPath, e.name), 'utf8')));
  return texts.join('\n');
}

async function expectNoSecret(forms: string[], output: string, root: string): Promise<void> {
  const everything = `${output}\n${await kilnFiles(root)}`;
  for (const form of forms) expect(everything).not.toContain(form);
}

describe('a malformed config.json: exit 2, path:line:col, what is wrong, no line and no secret', () => {
  for (const { name } of malformedConfigs('x', s.authRegistry)) {
    it(name, async () => {
      const { secret, forms } = secretForms(name);
      const variant = malformedConfigs(secret, s.authRegistry).find((v) => v.name === name)!;
      const { project, env } = await setup(variant.text);
      const { line, column } = expectedPlace(variant.text, variant.at);
      const r = await runCli(['push', '--progress', 'json'], { cwd: project.root, env });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`config.json:${line}:${column}: error: ${variant.message}\n  hint: `);
      expect(r.stderr).not.toMatch(/^\s+\d+ \|/m);
      for (const event of parseEvents(r.stdout)) expect(event.type).toBeTypeOf('string');
      await expectNoSecret(forms, r.stdout + r.stderr, project.root);
    }, 120_000);
  }
});

describe('a malformed config.json stops every command that needs credentials before it does anything', () => {
  it('kiln build (registry cache lookup) and kiln pull: exit 2, nothing built, no secret', async () => {
    const { secret, forms } = secretForms('commands');
    const variant = malformedConfigs(secret, s.authRegistry).find((v) => v.name === 'trailing-comma')!;
    const { project, env } = await setup(variant.text);
    const { line, column } = expectedPlace(variant.text, variant.at);
    for (const command of [['build', '--progress', 'json'], ['pull']]) {
      const r = await runCli(command, { cwd: project.root, env });
      expect(r.code, `${command[0]}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toContain(`config.json:${line}:${column}: error: ${variant.message}\n`);
      await expectNoSecret(forms, r.stdout + r.stderr, project.root);
    }
    const engine = realEngine();
    expect(await engine.listImages({ filters: { label: [`dev.kiln.project=${project.id}`] } })).toEqual([]);
    await engine.close();
  }, 120_000);
});

describe('credentials that do not work: exit 3, no secret anywhere', () => {
  it('a wrong password (valid config): kiln push --progress json', async () => {
    const { secret, forms } = secretForms('wrongpw');
    const auth = Buffer.from(`kiln:${secret}`).toString('base64');
    const { project, env } = await setup(JSON.stringify({ auths: { [s.authRegistry]: { auth } } }));
    const r = await runCli(['push', '--progress', 'json'], { cwd: project.root, env });
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr + r.stdout).toContain(`the credentials for ${s.authRegistry} were rejected`);
    await expectNoSecret(forms, r.stdout + r.stderr, project.root);
  }, 120_000);

  it('a failing credential helper that echoes the secret on stdout and stderr', async () => {
    const { secret, forms } = secretForms('helper');
    const { project, env } = await setup('{"credsStore": "kilnecho"}', `echo "kiln:${secret}"; echo "${secret}" >&2; exit 1`);
    const r = await runCli(['push', '--progress', 'json'], { cwd: project.root, env });
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr + r.stdout).toContain(`credential helper docker-credential-kilnecho failed for ${s.authRegistry} (exit code 1)`);
    await expectNoSecret(forms, r.stdout + r.stderr, project.root);
  }, 120_000);

  it('a malformed DOCKER_AUTH_CONFIG: exit 2, where in the variable, no secret', async () => {
    const { secret, forms } = secretForms('envcfg');
    const { project, env } = await setup('{}');
    const value = `{"auths": {"${s.authRegistry}": {"auth": "${Buffer.from(`kiln:${secret}`).toString('base64')}"},}}`;
    const r = await runCli(['push', '--progress', 'json'], { cwd: project.root, env: { ...env, DOCKER_AUTH_CONFIG: value } });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`error: JSON syntax error in DOCKER_AUTH_CONFIG: unexpected token '}' (a trailing comma?) at line 1, column ${value.length - 1}\n`);
    await expectNoSecret(forms, r.stdout + r.stderr, project.root);
  }, 120_000);
});
