import { createRequire } from 'node:module';
import type { Agent as AgentClass, Pool as PoolClass } from 'undici';

// undici's index also loads fetch, WebSocket, EventSource, cache stores and mocks: ~80 ms of
// every start-up, where the two dispatchers kiln uses load in ~25 ms (Node 20, 2 cores). These
// are the very classes the index re-exports (undici 7 has no `exports` map, so the paths resolve; package.json pins the exact version for this),
// and this does the one thing its index does to them: add request/stream/pipeline/connect/upgrade
// to Dispatcher.prototype (index.js: `Object.assign(Dispatcher.prototype, api)`). The engine and
// registry tests exercise both dispatchers, so an undici that moves these files fails them.
const require = createRequire(import.meta.url);
const dispatcher = require('undici/lib/dispatcher/dispatcher.js') as { prototype: object };
Object.assign(dispatcher.prototype, require('undici/lib/api/index.js') as object);

/** undici's Pool (one origin, keep-alive connections), loaded without the rest of undici. */
export const Pool = require('undici/lib/dispatcher/pool.js') as typeof PoolClass;
/** An undici Pool. */
export type Pool = PoolClass;

/** undici's Agent (a Pool per origin), loaded without the rest of undici. */
export const Agent = require('undici/lib/dispatcher/agent.js') as typeof AgentClass;
/** An undici Agent. */
export type Agent = AgentClass;
