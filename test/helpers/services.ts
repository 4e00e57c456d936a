import { createEngine } from '../../src/engine/index.js';
import type { Engine } from '../../src/engine/engine.js';

/** The real services' addresses, which test/global-setup.ts exports. */
export interface TestServices {
  /** Which engine this run targets (see test/global-setup.ts). */
  engine: 'legacy' | 'modern';
  dockerHost: string;
  /** The docker CLI (28.5, from the services) for comparisons with `docker ...` output on that engine. */
  dockerCli: string;
  registry: string;
  authRegistry: string;
  authUser: string;
  authPassword: string;
  baseImage: string;
}

/**
 * The real engine and registries. Throws when they are missing: a test that needs them fails,
 * it never skips (the global setup starts them, or the run fails there).
 */
export function services(): TestServices {
  const env = process.env;
  const missing = ['KILN_TEST_DOCKER_HOST', 'KILN_TEST_DOCKER_CLI', 'KILN_TEST_REGISTRY', 'KILN_TEST_AUTH_REGISTRY', 'KILN_TEST_BASE_IMAGE'].filter((k) => !env[k]);
  if (missing.length > 0) throw new Error(`${missing.join(', ')} not set: the test services did not start (scripts/services.sh start)`);
  return {
    engine: env.KILN_TEST_ENGINE === 'modern' ? 'modern' : 'legacy',
    dockerHost: env.KILN_TEST_DOCKER_HOST!,
    dockerCli: env.KILN_TEST_DOCKER_CLI!,
    registry: env.KILN_TEST_REGISTRY!,
    authRegistry: env.KILN_TEST_AUTH_REGISTRY!,
    authUser: env.KILN_TEST_AUTH_USER ?? '',
    authPassword: env.KILN_TEST_AUTH_PASSWORD ?? '',
    baseImage: env.KILN_TEST_BASE_IMAGE!,
  };
}

/** An engine client for the real test engine. */
export function realEngine(): Engine {
  return createEngine({ host: services().dockerHost, env: {} });
}

/** Wraps an engine to count calls per method (e.g. to prove a no-op build sends no build). */
export function countingEngine(engine: Engine): { engine: Engine; calls: Record<string, number> } {
  const calls: Record<string, number> = {};
  const proxy = new Proxy(engine, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls[String(property)] = (calls[String(property)] ?? 0) + 1;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { engine: proxy, calls };
}
