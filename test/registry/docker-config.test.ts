// docker's config.json: every malformed variant says what is wrong and where, and never shows a
// secret it holds (its text, its base64 form, or the base64 of user:password), in the message, the
// printed diagnostic, or a thrown error.
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KilnError } from '../../src/diagnostics/diagnostic.js';
import { formatDiagnostics } from '../../src/diagnostics/print.js';
import { createDockerCredentialStore } from '../../src/registry/index.js';
import { parseJsonTree } from '../../src/util/json-tree.js';
import { expectedPlace, malformedConfigs, secretForms } from './malformed-configs.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kiln-docker-config-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const b64 = (s: string): string => Buffer.from(s).toString('base64');

async function failure(config: string, env: NodeJS.ProcessEnv = {}, helper?: string): Promise<KilnError> {
  const configDir = await mkdtemp(join(dir, 'c-'));
  await writeFile(join(configDir, 'config.json'), config);
  if (helper !== undefined) {
    await writeFile(join(configDir, 'docker-credential-kilnecho'), `#!/bin/sh\nread -r server\n${helper}\n`);
    await chmod(join(configDir, 'docker-credential-kilnecho'), 0o755);
  }
  const store = createDockerCredentialStore({ env: { DOCKER_CONFIG: configDir, PATH: `${configDir}${delimiter}${process.env.PATH ?? ''}`, ...env } });
  const error = await store.getAuth('reg.example').then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof Error)) throw new Error('expected a failure');
  return error as KilnError;
}

const printed = (error: KilnError): string =>
  `${error.message}\n${error.stack ?? ''}\n${formatDiagnostics(error.diagnostics ?? [], { color: false, cwd: dir })}`;

describe('malformed docker config.json', () => {
  for (const variant of malformedConfigs('SECRET', 'reg.example')) {
    it(`${variant.name}: says what and where, without the line`, async () => {
      const { secret, forms } = secretForms(variant.name);
      const { text, message, at } = malformedConfigs(secret, 'reg.example').find((v) => v.name === variant.name)!;
      const { line, column } = expectedPlace(text, at);
      const error = await failure(text);
      expect(error).toBeInstanceOf(KilnError);
      const [d] = error.diagnostics;
      expect(d).toMatchObject({ kind: 'usage', message });
      expect(d?.location).toMatchObject({ line, column, secret: true });
      const out = printed(error);
      expect(out).toMatch(new RegExp(`config\\.json:${line}:${column}: error: `));
      for (const form of forms) expect(out).not.toContain(form);
      // No excerpt: the line after the location is the hint.
      expect(out.split('\n').find((l) => l.includes('error:'))?.length).toBeGreaterThan(0);
      expect(out).not.toMatch(/^\s+\d+ \|/m);
    });
  }

  it('DOCKER_AUTH_CONFIG: what and where (line, column), no secret', async () => {
    const { secret, forms } = secretForms('env');
    const value = `{"auths": {"reg.example": {"auth": "${b64(`kiln:${secret}`)}"}}`;
    const error = await failure('{}', { DOCKER_AUTH_CONFIG: value });
    expect(error.diagnostics[0]?.message).toBe(`JSON syntax error in DOCKER_AUTH_CONFIG: unexpected end of file (a missing '}'?) at line 1, column ${value.length + 1}`);
    for (const form of forms) expect(printed(error)).not.toContain(form);
  });

  it('a failing helper that echoes the secret on stdout and stderr: neither is shown', async () => {
    const { secret, forms } = secretForms('helper');
    const error = await failure('{"credsStore": "kilnecho"}', {}, `echo "denied for kiln:${secret}"; echo "${secret}" >&2; exit 1`);
    expect(error.message).toBe('credential helper docker-credential-kilnecho failed for reg.example (exit code 1)');
    for (const form of forms) expect(printed(error)).not.toContain(form);
  });

  it('a helper whose reply is not JSON: no quote of it', async () => {
    const { secret, forms } = secretForms('reply');
    const error = await failure('{"credsStore": "kilnecho"}', {}, `printf '{"Username":"kiln","Secret":${secret}}'`);
    expect(error.message).toBe('credential helper docker-credential-kilnecho sent a reply for reg.example that is not JSON');
    for (const form of forms) expect(printed(error)).not.toContain(form);
  });
});

describe('malformed docker config.json, hunted (seeded random edits of a valid file)', () => {
  it('whatever the damage, an error never shows 8 characters in a row of a secret or its base64', async () => {
    let seed = 11;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pieces = ['{', '}', '[', ']', ':', ',', '"', '\\', ' ', '\n', 'a', '1', '='];
    const started = Date.now();
    let failures = 0;
    for (let n = 0; n < 300 && Date.now() - started < 15_000; n++) {
      const { secret } = secretForms(`hunt${n}`);
      const auth = b64(`kiln:${secret}`);
      const valid = JSON.stringify({ auths: { 'reg.example': { auth }, 'other.example': { username: 'kiln', password: secret, identitytoken: `${secret}tok` } } }, null, n % 2 === 0 ? 2 : 0);
      let text = valid;
      for (let edits = 1 + Math.floor(rand() * 3); edits > 0; edits--) {
        const at = Math.floor(rand() * text.length);
        const kind = rand();
        const piece = pieces[Math.floor(rand() * pieces.length)]!;
        text = kind < 0.4 ? text.slice(0, at) + text.slice(at + 1) : kind < 0.7 ? text.slice(0, at) + piece + text.slice(at) : text.slice(0, at) + piece + text.slice(at + 1);
      }
      const error = await failure(text).catch((e: unknown) => e);
      if (error instanceof Error && error.message === 'expected a failure') continue;
      // Anything else than a KilnError would print as an internal error, with V8's quote of the text.
      expect(error, `case ${n}`).toBeInstanceOf(KilnError);
      if (!(error instanceof KilnError)) continue;
      failures++;
      const out = printed(error);
      for (const whole of [secret, auth, `${secret}tok`]) {
        for (let i = 0; i + 8 <= whole.length; i++) expect(out, `case ${n}: ${JSON.stringify(text)}`).not.toContain(whole.slice(i, i + 8));
      }
      expect(error.diagnostics[0]?.location?.secret, `case ${n}`).toBe(true);
    }
    // The edits must actually break files, or the hunt proves nothing.
    expect(failures).toBeGreaterThan(50);
  });
});

describe('parseJsonTree', () => {
  it('agrees with JSON.parse on valid and invalid texts (random, seeded), and never quotes the text', () => {
    let seed = 7;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const atoms = ['{', '}', '[', ']', ':', ',', '"a"', '"s3cr"', '1', '-2.5e3', 'true', 'null', ' ', '\n', '"\\u0041"', '"x', 'zz', '01'];
    for (let n = 0; n < 3000; n++) {
      const text = Array.from({ length: 1 + Math.floor(rand() * 12) }, () => atoms[Math.floor(rand() * atoms.length)]).join('');
      let expected: unknown;
      let valid = true;
      try {
        expected = JSON.parse(text);
      } catch {
        valid = false;
      }
      const tree = parseJsonTree(text);
      expect(tree.ok, text).toBe(valid);
      if (!tree.ok) {
        expect(tree.error.message, text).not.toMatch(/s3cr|zz|a"/);
        expect(tree.error.offset, text).toBeLessThanOrEqual(text.length);
      } else {
        expect(plain(tree.value), text).toEqual(expected);
      }
    }
  });
});

function plain(node: ReturnType<typeof parseJsonTree> extends { ok: true; value: infer V } | unknown ? any : never): unknown {
  switch (node.kind) {
    case 'object':
      return Object.fromEntries(node.entries.map((e: { key: string; value: unknown }) => [e.key, plain(e.value)]));
    case 'array':
      return node.items.map(plain);
    case 'null':
      return null;
    default:
      return node.value;
  }
}
