/** Docker Hub's API host; `docker.io` is only a name. */
const dockerHubApiHost = 'registry-1.docker.io';
const dockerHubNames = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/** The key docker's config.json uses for Docker Hub. */
export const dockerHubCredentialKey = 'https://index.docker.io/v1/';

/** Splits `host[:port]` (IPv6 in brackets, or bare) into its hostname, without brackets. */
export function hostname(host: string): string {
  if (host.startsWith('[')) return host.slice(1, host.indexOf(']'));
  const colons = host.split(':').length - 1;
  if (colons > 1) return host; // a bare IPv6 address has no port
  return colons === 1 ? host.slice(0, host.lastIndexOf(':')) : host;
}

/** Whether the host is on the loopback interface (127.0.0.0/8, localhost, ::1). */
export function isLoopback(host: string): boolean {
  const name = hostname(host).toLowerCase();
  return name === 'localhost' || name === '::1' || /^127(\.\d{1,3}){3}$/.test(name);
}

/** The base URL of a registry's API: plain http only for loopback or when asked. */
export function registryBaseUrl(host: string, insecure = false): string {
  const apiHost = dockerHubNames.has(host) ? dockerHubApiHost : host;
  const scheme = insecure || isLoopback(host) ? 'http' : 'https';
  return `${scheme}://${apiHost}`;
}

/** The key under which docker stores credentials for a registry host. */
export function credentialKey(host: string): string {
  return dockerHubNames.has(host) ? dockerHubCredentialKey : host;
}

/** Strips a scheme and path from a legacy config.json key (docker's ConvertToHostname). */
export function convertToHostname(key: string): string {
  const stripped = key.replace(/^https?:\/\//, '');
  return stripped.split('/')[0] ?? stripped;
}
