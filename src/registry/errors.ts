import { diagnostic, type Diagnostic, type DiagnosticKind } from '../diagnostics/diagnostic.js';
import { unreachable } from '../util/unreachable.js';

/** Why a registry operation failed, as far as the user is concerned. */
export type RegistryErrorKind =
  /** Credentials missing or rejected (401). */
  | 'auth'
  /** Registry unreachable, timing out, or failing (5xx, 429) after the retries. */
  | 'unavailable'
  /** The thing asked for does not exist (404: repository, manifest, tag, blob). */
  | 'not-found'
  /** Authenticated but not allowed, or the operation is disabled (403, 405). */
  | 'denied'
  /** The registry refused the request or answered something kiln cannot use (400, bad digest). */
  | 'invalid';

/** One entry of the distribution error body `{"errors":[{code,message,detail}]}`. */
export interface RegistryErrorDetail {
  code: string;
  message?: string;
  detail?: unknown;
}

/** Options for a RegistryError beyond kind and message. */
export interface RegistryErrorOptions {
  host: string;
  status?: number;
  /** Error entries the registry sent, if any. */
  errors?: RegistryErrorDetail[];
  hint?: string;
  cause?: unknown;
}

/** A failed registry operation; an expected failure, turned into a Diagnostic at the CLI boundary. */
export class RegistryError extends Error {
  readonly kind: RegistryErrorKind;
  readonly host: string;
  readonly status: number | undefined;
  readonly errors: RegistryErrorDetail[];
  readonly hint: string | undefined;

  constructor(kind: RegistryErrorKind, message: string, options: RegistryErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RegistryError';
    this.kind = kind;
    this.host = options.host;
    this.status = options.status;
    this.errors = options.errors ?? [];
    this.hint = options.hint;
  }

  /** The first registry error code (`MANIFEST_UNKNOWN`), if the registry sent one. */
  get code(): string | undefined {
    return this.errors[0]?.code;
  }

  /** The user-facing form: auth, unavailable and denied exit 3; the rest count as a failed operation. */
  toDiagnostic(): Diagnostic {
    return diagnostic(diagnosticKind(this.kind), this.message, this.hint === undefined ? {} : { hint: this.hint });
  }
}

function diagnosticKind(kind: RegistryErrorKind): DiagnosticKind {
  switch (kind) {
    case 'auth':
    case 'unavailable':
    case 'denied':
      return 'unavailable';
    case 'not-found':
    case 'invalid':
      return 'failed';
    default:
      return unreachable(kind);
  }
}

/** Whether a value is a RegistryError of the given kind (any kind when omitted). */
export function isRegistryError(value: unknown, kind?: RegistryErrorKind): value is RegistryError {
  return value instanceof RegistryError && (kind === undefined || value.kind === kind);
}
