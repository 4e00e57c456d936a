import { formatPlatform, parsePlatform, type Platform } from '../model/platform.js';

/** The platform of the machine kiln runs on, in `os/arch[/variant]` form as the engine names it. */
export function hostPlatform(): string {
  // Node's names differ from OCI's for a few architectures.
  const arch: Record<string, string> = { x64: 'amd64', ia32: '386', arm: 'arm/v7', ppc64: 'ppc64le' };
  return `linux/${arch[process.arch] ?? process.arch}`;
}

/** The names of BuildKit's automatic platform ARGs (dockerfile2llb defaultArgs, TARGETSTAGE aside). */
export const PLATFORM_ARGS = [
  'BUILDPLATFORM',
  'BUILDOS',
  'BUILDOSVERSION',
  'BUILDARCH',
  'BUILDVARIANT',
  'TARGETPLATFORM',
  'TARGETOS',
  'TARGETOSVERSION',
  'TARGETARCH',
  'TARGETVARIANT',
] as const;

/**
 * The automatic platform ARGs BuildKit defines, with its values: BUILD* for the engine's platform,
 * TARGET* for `target` (the image's `platform:`, normalized as BuildKit normalizes it: `linux/arm`
 * is `linux/arm/v7`, `linux/arm64/v8` is `linux/arm64`), or the engine's when there is none. kiln
 * talks to a local engine, so the host's platform stands in for the engine's. A target that does
 * not parse (the manifest check reports it) leaves the TARGET* values as written.
 */
export function platformArgs(target?: string, build: string = hostPlatform()): Record<string, string> {
  const buildPlatform = parse(build);
  const defaults = { os: buildPlatform.os, architecture: buildPlatform.architecture };
  const parsed = target === undefined ? undefined : parsePlatform(target, defaults);
  const targetPlatform = parsed === undefined ? buildPlatform : parsed.ok ? parsed.value : asWritten(target ?? '');
  const osVersion = targetPlatform.osVersion === '' ? '' : `(${targetPlatform.osVersion})`;
  const [os = '', ...rest] = formatPlatform(targetPlatform).split('/');
  return {
    BUILDPLATFORM: formatPlatform(buildPlatform),
    BUILDOS: buildPlatform.os,
    BUILDOSVERSION: buildPlatform.osVersion,
    BUILDARCH: buildPlatform.architecture,
    BUILDVARIANT: buildPlatform.variant,
    TARGETPLATFORM: [`${os}${osVersion}`, ...rest].join('/'),
    TARGETOS: targetPlatform.os,
    TARGETOSVERSION: targetPlatform.osVersion,
    TARGETARCH: targetPlatform.architecture,
    TARGETVARIANT: targetPlatform.variant,
  };
}

function parse(platform: string): Platform {
  const parsed = parsePlatform(platform, { os: 'linux', architecture: 'amd64' });
  return parsed.ok ? parsed.value : asWritten(platform);
}

function asWritten(platform: string): Platform {
  const [os = '', architecture = '', variant = ''] = platform.split('/');
  return { os, architecture, variant, osVersion: '' };
}
