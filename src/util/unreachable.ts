/** Marks a branch the type system proves impossible; a new union member fails to compile until handled. */
export function unreachable(value: never): never {
  throw new Error(`unreachable: ${JSON.stringify(value)}`);
}
