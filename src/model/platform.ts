import { fail, ok, type Result } from '../util/result.js';

/** An OCI platform, normalized as containerd's platforms.Normalize leaves it (`arm64/v8` is `arm64`). */
export interface Platform {
  os: string;
  architecture: string;
  /** '' when the architecture has none (`amd64`, `arm64`); `v7` for `arm`. */
  variant: string;
  /** Windows only: `windows(10.0.17763)/amd64`. */
  osVersion: string;
}

// containerd/platforms: specifierRe and osRe.
const COMPONENT = /^[A-Za-z0-9_.-]+$/;
const OS_COMPONENT = /^([A-Za-z0-9_-]+)(?:\(([A-Za-z0-9_.%-]*)((?:\+[A-Za-z0-9_.%-]+)*)\))?$/;
const KNOWN_OS = new Set(['aix', 'android', 'darwin', 'dragonfly', 'freebsd', 'hurd', 'illumos', 'ios', 'js', 'linux', 'nacl', 'netbsd', 'openbsd', 'plan9', 'solaris', 'windows', 'zos']);
const KNOWN_ARCH = new Set(['386', 'amd64', 'amd64p32', 'arm', 'armbe', 'arm64', 'arm64be', 'ppc64', 'ppc64le', 'loong64', 'mips', 'mipsle', 'mips64', 'mips64le', 'mips64p32', 'mips64p32le', 'ppc', 'riscv', 'riscv64', 's390', 's390x', 'sparc', 'sparc64', 'wasm']);

/**
 * Parses `os[/arch[/variant]]` as BuildKit reads a build's platform: containerd's platforms.Parse,
 * then platforms.Normalize. `defaults` fills what a one-part specifier leaves out, as the engine
 * would from its own platform (`linux` alone is the engine's architecture; `arm64` alone is Linux).
 */
export function parsePlatform(specifier: string, defaults: { os: string; architecture: string }): Result<Platform, string> {
  if (specifier.includes('*')) return fail(`"${specifier}": wildcards are not supported`);
  const parts = splitN(specifier, '/', 4);
  const osMatch = OS_COMPONENT.exec(parts[0] ?? '');
  if (!osMatch) return fail(`"${parts[0] ?? ''}" is not a valid operating system in "${specifier}"`);
  const bad = parts.slice(1).find((part) => !COMPONENT.test(part));
  if (bad !== undefined) return fail(`"${bad}" is not a valid component of "${specifier}"`);
  const os = normalizeOs(osMatch[1] ?? '', defaults.os);
  const osVersion = osMatch[2] ?? '';
  let arch: [string, string];
  switch (parts.length) {
    case 1: {
      if (KNOWN_OS.has(os)) return ok(normalize({ os, architecture: defaults.architecture, variant: '', osVersion }, defaults.os));
      arch = normalizeArch(parts[0] ?? '', '');
      if (!KNOWN_ARCH.has(arch[0])) return fail(`"${specifier}": unknown operating system or architecture`);
      return ok(normalize({ os: defaults.os, architecture: arch[0], variant: arch[1], osVersion: '' }, defaults.os));
    }
    case 2:
      arch = normalizeArch(parts[1] ?? '', '');
      break;
    case 3:
      arch = normalizeArch(parts[1] ?? '', parts[2] ?? '');
      break;
    default:
      return fail(`"${specifier}": cannot parse platform specifier`);
  }
  return ok(normalize({ os, architecture: arch[0], variant: arch[1], osVersion }, defaults.os));
}

/** `os/arch[/variant]`, as containerd's platforms.Format writes it. */
export function formatPlatform(platform: Platform): string {
  return [platform.os, platform.architecture, platform.variant].filter((part) => part !== '').join('/');
}

// Parse's own adjustments (arm64 → arm64/v8, arm/v7 → arm) are undone by Normalize, which BuildKit
// always applies after it; only Normalize's result is kept here.
function normalize(platform: Platform, defaultOs: string): Platform {
  const [architecture, variant] = normalizeArch(platform.architecture, platform.variant);
  return { ...platform, os: normalizeOs(platform.os, defaultOs), architecture, variant };
}

function normalizeOs(os: string, defaultOs: string): string {
  if (os === '') return defaultOs;
  const lower = os.toLowerCase();
  return lower === 'macos' ? 'darwin' : lower;
}

/** containerd's normalizeArch. */
function normalizeArch(arch: string, variant: string): [string, string] {
  const a = arch.toLowerCase();
  const v = variant.toLowerCase();
  switch (a) {
    case 'i386':
      return ['386', ''];
    case 'x86_64':
    case 'x86-64':
    case 'amd64':
      return ['amd64', v === 'v1' ? '' : v];
    case 'aarch64':
    case 'arm64':
      if (v === '8' || v === 'v8' || v === 'v8.0') return ['arm64', ''];
      if (v === '9' || v === '9.0' || v === 'v9.0') return ['arm64', 'v9'];
      return ['arm64', v];
    case 'armhf':
      return ['arm', 'v7'];
    case 'armel':
      return ['arm', 'v6'];
    case 'arm':
      if (v === '' || v === '7') return ['arm', 'v7'];
      if (v === '5' || v === '6' || v === '8') return ['arm', `v${v}`];
      return ['arm', v];
    default:
      return [a, v];
  }
}

/** Go's strings.SplitN: at most `n` parts, the last one holding the rest. */
function splitN(text: string, separator: string, n: number): string[] {
  const parts = text.split(separator);
  return parts.length <= n ? parts : [...parts.slice(0, n - 1), parts.slice(n - 1).join(separator)];
}
