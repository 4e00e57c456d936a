/** An expected outcome: a value, or a failure the caller must handle. Exceptions are for bugs. */
export type Result<T, E> = { ok: true; value: T } | { ok: false; error: E };

/** Wraps a success. */
export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });

/** Wraps a failure. */
export const fail = <E>(error: E): { ok: false; error: E } => ({ ok: false, error });
