import { parseChallenges, type AuthChallenge } from './challenge.js';
import type { CredentialStore, RegistryCredentials } from './credentials.js';
import { RegistryError } from './errors.js';
import { header, sendHttp, type HttpResponse, type TransportOptions } from './transport.js';

/** Token scopes an operation needs (`repository:acme/api:pull,push`). */
export const scopes = {
  pull: (repo: string): string[] => [`repository:${repo}:pull`],
  push: (repo: string): string[] => [`repository:${repo}:pull,push`],
  delete: (repo: string): string[] => [`repository:${repo}:delete`],
  mount: (repo: string, from: string): string[] => [`repository:${repo}:pull,push`, `repository:${from}:pull`],
  catalog: (): string[] => ['registry:catalog:*'],
};

interface CachedToken {
  token: string;
  expiresAt: number;
}

const defaultTokenLifetimeS = 60;
// Renew a little early so a token does not expire between check and use.
const expiryMarginMs = 5_000;

/**
 * Decides the Authorization header of each request: learns the scheme from the first 401
 * challenge, then sends Basic on every request or a Bearer token cached per scope set.
 */
export class Authenticator {
  readonly #transport: TransportOptions;
  readonly #host: string;
  readonly #store: CredentialStore | undefined;
  #credentials: Promise<RegistryCredentials | undefined> | undefined;
  #challenge: AuthChallenge | undefined;
  readonly #tokens = new Map<string, CachedToken>();
  // Concurrent requests with the same scopes (parallel mounts) share one token fetch.
  readonly #fetching = new Map<string, Promise<string>>();
  readonly #now: () => number;

  constructor(options: { transport: TransportOptions; host: string; credentials?: CredentialStore; now?: () => number }) {
    this.#transport = options.transport;
    this.#host = options.host;
    this.#store = options.credentials;
    this.#now = options.now ?? Date.now;
  }

  /** The header to send up front once the scheme is known (fetching a token for new scopes), saving a 401. */
  async current(scopeSet: string[]): Promise<string | undefined> {
    const challenge = this.#challenge;
    if (challenge === undefined) return undefined;
    if (challenge.scheme === 'basic') return this.#basicHeader(await this.#creds());
    const cached = this.#tokens.get(scopeKey(scopeSet));
    if (cached !== undefined && cached.expiresAt > this.#now()) return `Bearer ${cached.token}`;
    return scopeSet.length === 0 ? undefined : `Bearer ${await this.#token(challenge, scopeSet)}`;
  }

  /** Answers a 401: returns the header to retry with, or throws an auth error. */
  async answer(response: HttpResponse, scopeSet: string[], sent: string | undefined): Promise<string> {
    const challenges = parseChallenges(header(response.headers, 'www-authenticate') ?? '');
    const challenge = challenges.find((c) => c.scheme === 'bearer') ?? challenges.find((c) => c.scheme === 'basic');
    if (challenge === undefined) throw this.#refused(await this.#creds(), 'no supported authentication challenge');
    this.#challenge = challenge;
    const creds = await this.#creds();
    if (challenge.scheme === 'basic') {
      const basic = this.#basicHeader(creds);
      if (basic === undefined || basic === sent) throw this.#refused(creds);
      return basic;
    }
    if (sent?.startsWith('Bearer ')) this.#tokens.delete(scopeKey(scopeSet));
    const wanted = scopeSet.length > 0 ? scopeSet : (challenge.params.scope?.split(' ') ?? []);
    return `Bearer ${await this.#token(challenge, wanted)}`;
  }

  /** The error for a 401 that fresh credentials did not cure. */
  async failure(response: HttpResponse, scopeSet: string[]): Promise<RegistryError> {
    const creds = await this.#creds();
    const challenge = parseChallenges(header(response.headers, 'www-authenticate') ?? '').find((c) => c.scheme === 'bearer');
    if (creds !== undefined && challenge?.params.error === 'insufficient_scope') {
      return new RegistryError('denied', `registry ${this.#host} denied access to ${scopeSet.join(' ')}`, {
        host: this.#host,
        status: 401,
        hint: 'Check that your account may access this repository.',
      });
    }
    return this.#refused(creds);
  }

  /** The error for missing or rejected credentials; never includes a secret. */
  #refused(creds: RegistryCredentials | undefined, detail?: string): RegistryError {
    const suffix = detail === undefined ? '' : ` (${detail})`;
    return creds === undefined
      ? new RegistryError('auth', `registry ${this.#host} requires authentication${suffix}`, {
          host: this.#host,
          status: 401,
          hint: `Run \`docker login ${this.#host}\`, or configure a credential helper for it.`,
        })
      : new RegistryError('auth', `the credentials for ${this.#host} were rejected${suffix}`, {
          host: this.#host,
          status: 401,
          hint: `Check the user and password stored for ${this.#host} (\`docker login ${this.#host}\`).`,
        });
  }

  #creds(): Promise<RegistryCredentials | undefined> {
    this.#credentials ??= this.#store?.getAuth(this.#host) ?? Promise.resolve(undefined);
    return this.#credentials;
  }

  #basicHeader(creds: RegistryCredentials | undefined): string | undefined {
    if (creds === undefined || 'identitytoken' in creds) return undefined;
    return `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
  }

  #token(challenge: AuthChallenge, scopeSet: string[]): Promise<string> {
    const key = scopeKey(scopeSet);
    let pending = this.#fetching.get(key);
    if (pending === undefined) {
      pending = this.#creds()
        .then((creds) => this.#fetchToken(challenge, scopeSet, creds))
        .finally(() => this.#fetching.delete(key));
      this.#fetching.set(key, pending);
    }
    return pending;
  }

  async #fetchToken(challenge: AuthChallenge, scopeSet: string[], creds: RegistryCredentials | undefined): Promise<string> {
    const realm = challenge.params.realm;
    if (realm === undefined) throw this.#refused(creds, 'the Bearer challenge has no realm');
    const url = new URL(realm);
    const service = challenge.params.service;
    let response: HttpResponse;
    if (creds !== undefined && 'identitytoken' in creds) {
      // An identity token is an OAuth2 refresh token (distribution docs/spec/auth/oauth.md).
      const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: creds.identitytoken, client_id: 'kiln' });
      if (service !== undefined) form.set('service', service);
      if (scopeSet.length > 0) form.set('scope', scopeSet.join(' '));
      response = await sendHttp(this.#transport, {
        method: 'POST',
        url,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: Buffer.from(form.toString()),
        idempotent: true,
      });
    } else {
      if (service !== undefined) url.searchParams.set('service', service);
      for (const scope of scopeSet) url.searchParams.append('scope', scope);
      if (creds !== undefined) url.searchParams.set('account', creds.username);
      const basic = this.#basicHeader(creds);
      response = await sendHttp(this.#transport, {
        method: 'GET',
        url,
        headers: basic === undefined ? {} : { authorization: basic },
        idempotent: true,
      });
    }
    if (response.status === 401 || response.status === 403) throw this.#refused(creds, 'by the token server');
    if (response.status !== 200) {
      throw new RegistryError('auth', `the token server of ${this.#host} answered ${response.status}`, { host: this.#host, status: response.status });
    }
    let reply: { token?: string; access_token?: string; expires_in?: number; issued_at?: string };
    try {
      reply = JSON.parse(response.body.toString('utf8')) as typeof reply;
    } catch {
      // JSON.parse's message would quote the reply, token included.
      throw new RegistryError('auth', `the token server of ${this.#host} sent a reply that is not JSON`, { host: this.#host });
    }
    const token = reply.token ?? reply.access_token;
    if (!token) throw new RegistryError('auth', `the token server of ${this.#host} sent no token`, { host: this.#host });
    const issued = reply.issued_at ? Date.parse(reply.issued_at) : NaN;
    const start = Number.isNaN(issued) ? this.#now() : Math.min(issued, this.#now());
    const lifetimeS = reply.expires_in && reply.expires_in > 0 ? reply.expires_in : defaultTokenLifetimeS;
    this.#tokens.set(scopeKey(scopeSet), { token, expiresAt: start + lifetimeS * 1000 - expiryMarginMs });
    return token;
  }
}

function scopeKey(scopeSet: string[]): string {
  return [...scopeSet].sort().join(' ');
}
