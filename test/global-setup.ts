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

/**
 * Vitest globalSetup: starts the real test services once (idempotent script) and exports their
 * addresses. Workers run with pool 'forks', which copies this process's env when it forks them,
 * so setting process.env here reaches every test file. KILN_SKIP_SERVICES=1 skips it (pure unit runs).
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
  Object.assign(process.env, vars);
}
