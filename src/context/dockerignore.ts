import { readFileSync } from 'node:fs';
import path from 'node:path';
import dockerignore from '@balena/dockerignore';
import { KilnError, diagnostic } from '../diagnostics/diagnostic.js';

/** The exclude rules of one build context, as docker would apply them. */
export interface ContextFilter {
  /** Normalized patterns in file order (`!` kept), after kiln's build-file exceptions. */
  patterns: string[];
  /** Absolute path of the ignore file that was read, if any. */
  ignoreFile?: string;
  /** Whether a context-relative posix path is left out of the context. */
  ignores(relativePath: string): boolean;
  /**
   * Whether an ignored directory can be skipped without looking inside. Mirrors moby
   * `pkg/archive` TarWithOptions: only when no `!` pattern begins with `<dir>/`.
   */
  canPrune(relativeDir: string): boolean;
}

/**
 * Parses .dockerignore text like moby `ignorefile.ReadAll`: UTF-8 BOM dropped, `#` comments
 * (only in column 1), blank lines skipped, each pattern trimmed, cleaned, made relative.
 */
export function parseDockerignore(text: string): string[] {
  const patterns: string[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (const line of lines) {
    if (line.startsWith('#')) continue;
    let pattern = line.trim();
    if (pattern === '') continue;
    const invert = pattern.startsWith('!');
    if (invert) pattern = pattern.slice(1).trim();
    if (pattern.length > 0) {
      pattern = cleanPattern(pattern);
      if (pattern.length > 1 && pattern.startsWith('/')) pattern = pattern.slice(1);
    }
    patterns.push(invert ? `!${pattern}` : pattern);
  }
  return patterns;
}

/** Go's filepath.Clean for posix paths (path.posix.normalize keeps a trailing slash; Clean does not). */
function cleanPattern(pattern: string): string {
  const cleaned = path.posix.normalize(pattern);
  return cleaned.length > 1 && cleaned.endsWith('/') ? cleaned.slice(0, -1) : cleaned;
}

/**
 * Finds the ignore file docker uses for this Dockerfile: BuildKit's dockerui reads
 * `<Dockerfile>.dockerignore` beside the Dockerfile first, else `<context>/.dockerignore`.
 */
function readIgnoreFile(context: string, dockerfile: string): { file: string; text: string } | undefined {
  const candidates = [`${dockerfile}.dockerignore`, path.join(context, '.dockerignore')];
  for (const file of candidates) {
    try {
      // Sync: a few hundred bytes, read per context while planning; fs.promises.readFile is ~5× slower per small file.
      return { file, text: readFileSync(file, 'utf8') };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') continue;
      throw new KilnError(
        diagnostic('usage', `cannot read ${file}: ${code ?? String(error)}`, {
          location: { file, line: 1, column: 1 },
          hint: 'Make the ignore file readable, or remove it.',
        }),
      );
    }
  }
  return undefined;
}

/** Builds a matcher over normalized patterns with docker's (case-sensitive on Linux) semantics. */
export function createMatcher(patterns: string[]): Pick<ContextFilter, 'ignores' | 'canPrune'> {
  // No patterns ignore nothing; skipping the matcher saves its per-path cache (~3 µs a path).
  if (patterns.length === 0) return { ignores: () => false, canPrune: () => true };
  // @balena/dockerignore defaults to case-insensitive matching; docker on Linux is case-sensitive.
  const matcher = dockerignore.default({ ignorecase: false }).add(patterns);
  const exceptions = patterns.filter((p) => p.startsWith('!')).map((p) => cleanPattern(p.slice(1)));
  return {
    ignores: (relativePath) => matcher.ignores(relativePath),
    canPrune: (relativeDir) => {
      const dirSlash = `${relativeDir}/`;
      return !exceptions.some((exception) => `${exception}/`.startsWith(dirSlash));
    },
  };
}

/** Options of {@link createContextFilter}. */
export interface ContextFilterOptions {
  /** Absolute path of the context directory. */
  context: string;
  /** Absolute path of the Dockerfile (inside or outside the context). */
  dockerfile: string;
  /** Patterns appended after the ignore file's, in .dockerignore syntax. */
  extraIgnore?: string[];
}

/**
 * Reads the context's ignore rules. Like docker/cli `TrimBuildFilesFromExcludes`, the
 * .dockerignore and the Dockerfile are re-included when a pattern excludes them: the
 * builder must receive them even though COPY never sees them.
 */
export async function createContextFilter(options: ContextFilterOptions): Promise<ContextFilter> {
  const found = readIgnoreFile(options.context, options.dockerfile);
  let patterns = found ? parseDockerignore(found.text) : [];
  if (options.extraIgnore?.length) patterns.push(...parseDockerignore(options.extraIgnore.join('\n')));
  const initial = createMatcher(patterns);
  const extra: string[] = [];
  if (initial.ignores('.dockerignore')) extra.push('!.dockerignore');
  const relDockerfile = path.relative(options.context, options.dockerfile).split(path.sep).join('/');
  const inside = relDockerfile !== '' && !relDockerfile.startsWith('../') && !path.isAbsolute(relDockerfile);
  if (inside && initial.ignores(relDockerfile)) extra.push(`!${relDockerfile}`);
  if (extra.length) patterns = [...patterns, ...extra];
  const matcher = extra.length ? createMatcher(patterns) : initial;
  return { patterns, ...(found ? { ignoreFile: found.file } : {}), ...matcher };
}
