import { KilnError, diagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import { isRegistryError } from '../registry/index.js';

/** The diagnostics of an expected push or registry failure; undefined for anything else (a bug). */
export function diagnosticsOf(error: unknown): Diagnostic[] | undefined {
  if (error instanceof KilnError) return error.diagnostics;
  if (isRegistryError(error)) return [error.toDiagnostic()];
  return undefined;
}

/** Turns a RegistryError into a KilnError (for the CLI boundary); anything else passes through. */
export function toKilnError(error: unknown): unknown {
  return isRegistryError(error) ? new KilnError(error.toDiagnostic()) : error;
}

/** One diagnostic per failed push, worded for the user (bugs keep their message). */
export function pushDiagnostics(failures: { image: string; tag: string; error: unknown }[]): Diagnostic[] {
  return failures.flatMap(({ image, tag, error }) =>
    diagnosticsOf(error)?.map((d) => ({ ...d, message: `${image}: ${d.message}` })) ?? [
      diagnostic('failed', `${image}: push of ${tag} failed: ${error instanceof Error ? error.message : String(error)}`),
    ],
  );
}
