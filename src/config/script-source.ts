import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { diagnostic } from '../diagnostics/diagnostic.js';
import type { Diagnostic, SourceLocation } from '../diagnostics/diagnostic.js';
import { fail, ok } from '../util/result.js';
import type { Result } from '../util/result.js';
import type { ConfigContext } from './define-config.js';
import { rangeToLocation } from './source.js';
import type { DataPath, ManifestSource } from './source.js';

/** Options for loading a kiln.config.{ts,mts,js,mjs}. */
export interface ScriptManifestOptions {
  file: string;
  /** What a config function receives. */
  context: ConfigContext;
}

/** Loads a TypeScript/JS config with jiti; its default export is a config or a function returning one. */
export async function loadScriptManifest(options: ScriptManifestOptions): Promise<Result<ManifestSource, Diagnostic[]>> {
  const { file } = options;
  const at: SourceLocation = { file, line: 1, column: 1 };
  let exported: unknown;
  try {
    // Imported here, not at the top: only kiln.config.ts manifests need jiti (~50 ms of start-up).
    const { createJiti } = await import('jiti');
    const jiti = createJiti(import.meta.url, {
      alias: { kiln: kilnEntry() },
      moduleCache: false,
      fsCache: false,
    });
    const module: unknown = await jiti.import(file);
    exported = typeof module === 'object' && module !== null && 'default' in module ? module.default : undefined;
    if (typeof exported === 'function') exported = await exported(options.context);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return fail([
      diagnostic('usage', `could not load ${path.basename(file)}: ${firstLine(message)}`, {
        location: at,
        hint: 'fix the error in the config file; its default export must be a config object or a function returning one',
      }),
    ]);
  }
  if (exported === undefined) {
    return fail([
      diagnostic('usage', `${path.basename(file)} has no default export`, {
        location: at,
        hint: 'add `export default defineConfig({ version: 1, images: { ... } })`',
      }),
    ]);
  }
  const text = safeRead(file);
  return ok({
    file,
    data: exported,
    locate: (dataPath) => (text === undefined ? at : findKeyInText(file, text, dataPath).location),
    locateWithin(dataPath, needle) {
      if (text === undefined) return undefined;
      const found = findKeyInText(file, text, dataPath);
      if (!found.complete) return undefined;
      const index = text.indexOf(needle, found.offset);
      return index === -1 ? undefined : rangeToLocation(file, text, index, index + needle.length);
    },
  });
}

/** The package entry that `import ... from 'kiln'` resolves to inside a config: source or build. */
function kilnEntry(): string {
  const here = fileURLToPath(import.meta.url);
  const fromSource = path.resolve(path.dirname(here), '..', 'index.ts');
  return here.endsWith('.ts') && existsSync(fromSource) ? fromSource : path.resolve(path.dirname(here), '..', 'index.js');
}

/**
 * Best-effort: the keys of `dataPath` searched one after the other in the source text.
 * A config computed by code has no reliable positions, so a miss falls back to the last key found.
 */
function findKeyInText(file: string, text: string, dataPath: DataPath): { location: SourceLocation; offset: number; complete: boolean } {
  let location: SourceLocation = { file, line: 1, column: 1 };
  let offset = 0;
  for (const segment of dataPath) {
    if (typeof segment === 'number') continue;
    const escaped = segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const pattern = new RegExp(`(?<![\\w$])(['"\`]?)(${escaped})\\1\\s*:`, 'g');
    pattern.lastIndex = offset;
    const match = pattern.exec(text);
    if (!match) return { location, offset, complete: false };
    const start = match.index + (match[1]?.length ?? 0);
    location = rangeToLocation(file, text, start, start + segment.length);
    offset = start + segment.length;
  }
  return { location, offset, complete: true };
}

function safeRead(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
