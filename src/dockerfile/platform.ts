/** The platform of the machine kiln runs on, in `os/arch[/variant]` form as the engine names it. */
export function hostPlatform(): string {
  // Node's names differ from OCI's for a few architectures.
  const arch: Record<string, string> = { x64: 'amd64', ia32: '386', arm: 'arm/v7', ppc64: 'ppc64le' };
  return `linux/${arch[process.arch] ?? process.arch}`;
}

/**
 * The automatic platform ARGs BuildKit defines (BUILDPLATFORM, TARGETARCH, ...). The engine
 * builds for its own platform unless asked otherwise; kiln talks to a local engine, so the
 * host's platform stands in for the engine's.
 */
export function platformArgs(target?: string, build: string = hostPlatform()): Record<string, string> {
  const split = (prefix: 'BUILD' | 'TARGET', platform: string): Record<string, string> => {
    const [os = '', arch = '', variant = ''] = platform.split('/');
    return {
      [`${prefix}PLATFORM`]: platform,
      [`${prefix}OS`]: os,
      [`${prefix}ARCH`]: arch,
      [`${prefix}VARIANT`]: variant,
    };
  };
  return { ...split('BUILD', build), ...split('TARGET', target ?? build) };
}
