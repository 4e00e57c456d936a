import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the proxy does to one request instead of (or before) forwarding it. */
export type Fault =
  | { kind: 'status'; status: number; retryAfter?: string }
  | { kind: 'slow'; delayMs: number }
  | { kind: 'destroy' }
  | { kind: 'pass' };

/** An HTTP proxy on 127.0.0.1 in front of a real registry, applying queued faults to the next requests. */
export interface FaultProxy {
  /** `127.0.0.1:<port>` */
  host: string;
  /** Faults for the next requests, in order; later requests are forwarded untouched. */
  faults: Fault[];
  /** Every request seen, as `METHOD path`, with its arrival time. */
  seen: { line: string; at: number }[];
  close(): Promise<void>;
}

/** Starts a fault-injecting proxy forwarding to `target` (`127.0.0.1:5000`). */
export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const [targetHost, targetPort] = target.split(':');
  const proxy: Omit<FaultProxy, 'host' | 'close'> = { faults: [], seen: [] };
  const forward = (req: IncomingMessage, res: ServerResponse): void => {
    const upstream = request(
      { host: targetHost, port: Number(targetPort), method: req.method, path: req.url, headers: req.headers },
      (reply) => {
        res.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  };
  const server: Server = createServer((req, res) => {
    proxy.seen.push({ line: `${req.method} ${req.url}`, at: Date.now() });
    const fault = proxy.faults.shift();
    res.on('error', () => undefined);
    if (fault === undefined || fault.kind === 'pass') return forward(req, res);
    switch (fault.kind) {
      case 'status':
        req.resume();
        res.writeHead(fault.status, {
          'content-type': 'application/json',
          ...(fault.retryAfter === undefined ? {} : { 'retry-after': fault.retryAfter }),
        });
        res.end(JSON.stringify({ errors: [{ code: fault.status === 429 ? 'TOOMANYREQUESTS' : 'UNKNOWN', message: 'injected fault' }] }));
        return;
      case 'slow':
        setTimeout(() => (res.destroyed ? req.resume() : forward(req, res)), fault.delayMs);
        return;
      case 'destroy':
        req.socket.destroy();
        return;
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(proxy, {
    host: `127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
