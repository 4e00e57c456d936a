import type { RegistryAuth } from './engine.js';

/**
 * The X-Registry-Auth / X-Registry-Config header value: base64url WITH `=` padding (Go's
 * `base64.URLEncoding`). The engine silently treats standard base64 or unpadded base64url as no
 * credentials (spec §3.7), and Node's `base64url` drops the padding, hence the manual padding.
 * No credentials encode `{}` as `e30=`, which push needs on 20.10.
 */
export function encodeRegistryAuth(auth: RegistryAuth | Record<string, RegistryAuth> | undefined): string {
  const encoded = Buffer.from(JSON.stringify(auth ?? {})).toString('base64url');
  return encoded + '='.repeat((4 - (encoded.length % 4)) % 4);
}
