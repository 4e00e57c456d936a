import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Parses `export KEY=VALUE` lines as printed by `scripts/services.sh env|start`. */
export function parseExports(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^export ([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (match?.[1] !== undefined && match[2] !== undefined) vars[match[1]] = match[2];
  }
  return vars;
}

/** The engines the services start: Docker 20.10 (the oldest API kiln supports) and Docker 28 (containerd store). */
export type TestEngine = 'legacy' | 'modern';

/**
 * Points the services' variables at one engine: `KILN_TEST_ENGINE=legacy` (the default) or
 * `modern` selects which one `KILN_TEST_DOCKER_HOST`, `DOCKER_HOST` and `KILN_TEST_DOCKER_CLI`
 * (the docker CLI that matches it) name. Throws on any other value, so a typo never runs legacy.
 */
export function selectEngine(vars: Record<string, string>, requested: string | undefined): Record<string, string> {
  const engine = requested === undefined || requested === '' ? 'legacy' : requested;
  if (engine !== 'legacy' && engine !== 'modern') throw new Error(`test services: KILN_TEST_ENGINE=${engine}: expected legacy or modern`);
  const host = vars.KILN_TEST_MODERN_DOCKER_HOST;
  const cli = vars.KILN_TEST_MODERN_DOCKER_CLI;
  if (host === undefined || cli === undefined) throw new Error('test services: the services printed no KILN_TEST_MODERN_DOCKER_HOST/_CLI');
  // One docker CLI for both, the 28.5 the services install: kiln ls reproduces today's CLI, and
  // 20.10's own CLI predates `--format json`. Against 20.10 it negotiates API 1.41, as a user's would.
  if (engine === 'legacy') return { ...vars, KILN_TEST_ENGINE: engine, KILN_TEST_DOCKER_CLI: cli };
  return { ...vars, KILN_TEST_ENGINE: engine, KILN_TEST_DOCKER_HOST: host, DOCKER_HOST: host, KILN_TEST_DOCKER_CLI: cli };
}

/**
 * Vitest globalSetup: starts the real test services once (idempotent script) and exports the
 * addresses of the engine KILN_TEST_ENGINE selects. Workers run with pool 'forks', which copies
 * this process's env when it forks them, so setting process.env here reaches every test file.
 * KILN_SKIP_SERVICES=1 skips it (pure unit runs).
 */
export default function setup(): void {
  if (process.env.KILN_SKIP_SERVICES === '1') return;
  const script = fileURLToPath(new URL('../scripts/services.sh', import.meta.url));
  const result = spawnSync('bash', [script, 'start'], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (result.error) throw new Error(`test services: cannot run ${script}: ${result.error.message}`);
  if (result.status !== 0) {
    throw new Error(`test services: ${script} start exited with ${result.status ?? result.signal} (see its output above)`);
  }
  const vars = parseExports(result.stdout);
  if (vars.KILN_TEST_DOCKER_HOST === undefined) {
    throw new Error(`test services: ${script} start printed no environment:\n${result.stdout}`);
  }
  Object.assign(process.env, selectEngine(vars, process.env.KILN_TEST_ENGINE));
}
