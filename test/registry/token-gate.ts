import { randomBytes } from 'node:crypto';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A token server plus a Bearer-checking gate in front of a real registry (distribution's token flow, spec §5.1). */
export interface TokenGate {
  /** The gated registry, `127.0.0.1:<port>`. */
  host: string;
  /** Token requests received: method, scopes, account, and whether they carried valid credentials. */
  tokenRequests: { method: string; scopes: string[]; account?: string }[];
  close(): Promise<void>;
}

/** Scopes distribution asks for, per request (D282 docs/spec/auth/scope.md). */
function requiredScopes(req: IncomingMessage): string[] {
  const url = new URL(req.url ?? '/', 'http://gate');
  if (url.pathname === '/v2/' || url.pathname === '/v2') return [];
  if (url.pathname === '/v2/_catalog') return ['registry:catalog:*'];
  const name = /^\/v2\/(.+?)\/(?:manifests|blobs|tags)\//.exec(url.pathname)?.[1] ?? '';
  if (req.method === 'GET' || req.method === 'HEAD') return [`repository:${name}:pull`];
  if (req.method === 'DELETE') return [`repository:${name}:delete`];
  const from = url.searchParams.get('from');
  return [`repository:${name}:pull,push`, ...(from ? [`repository:${from}:pull`] : [])];
}

function granted(have: string[], need: string): boolean {
  const at = need.lastIndexOf(':');
  const resource = need.slice(0, at);
  return need
    .slice(at + 1)
    .split(',')
    .every((action) => have.some((h) => h.slice(0, h.lastIndexOf(':')) === resource && h.slice(h.lastIndexOf(':') + 1).split(',').includes(action)));
}

/** Starts the token server and gate; users are `user:password`, `identityToken` is a valid refresh token. */
export async function startTokenGate(options: { target: string; user: string; password: string; identityToken: string }): Promise<TokenGate> {
  const tokens = new Map<string, string[]>();
  const tokenRequests: TokenGate['tokenRequests'] = [];
  const listen = async (server: Server): Promise<number> => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  };
  const issue = (scopes: string[]): string => {
    const token = randomBytes(12).toString('hex');
    tokens.set(token, scopes);
    return JSON.stringify({ token, issued_at: new Date().toISOString() }); // no expires_in: clients default to 60 s
  };
  const tokenServer = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://token');
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const form = new URLSearchParams(body);
      const scopes = req.method === 'POST' ? (form.get('scope') ?? '').split(' ').filter(Boolean) : url.searchParams.getAll('scope');
      const account = url.searchParams.get('account') ?? undefined;
      tokenRequests.push({ method: req.method ?? '', scopes, ...(account ? { account } : {}) });
      const basic = `Basic ${Buffer.from(`${options.user}:${options.password}`).toString('base64')}`;
      const ok = req.method === 'POST' ? form.get('refresh_token') === options.identityToken : req.headers.authorization === basic;
      res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
      res.end(ok ? issue(scopes) : JSON.stringify({ details: 'incorrect username or password' }));
    });
  });
  const tokenPort = await listen(tokenServer);
  const [targetHost, targetPort] = options.target.split(':');
  const gate = createServer((req, res) => {
    const need = requiredScopes(req);
    const have = tokens.get((req.headers.authorization ?? '').replace(/^Bearer /, ''));
    if (have === undefined || !need.every((n) => granted(have, n))) {
      req.resume();
      const scope = need.length > 0 ? `,scope="${need.join(' ')}"` : '';
      const error = have === undefined ? '' : ',error="insufficient_scope"';
      res.writeHead(401, { 'www-authenticate': `Bearer realm="http://127.0.0.1:${tokenPort}/token",service="kiln-gate"${scope}${error}` });
      res.end();
      return;
    }
    const headers = { ...req.headers };
    delete headers.authorization;
    const upstream = request({ host: targetHost, port: Number(targetPort), method: req.method, path: req.url, headers }, (reply) => {
      res.writeHead(reply.statusCode ?? 502, reply.headers);
      reply.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  const gatePort = await listen(gate);
  const close = (server: Server): Promise<void> =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return { host: `127.0.0.1:${gatePort}`, tokenRequests, close: async () => void (await Promise.all([close(gate), close(tokenServer)])) };
}
