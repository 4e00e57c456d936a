import { Option, type Command } from 'commander';

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Adds the options every manifest-reading command shares (`-f`, `--var`, `--set`). */
export function manifestOptions(command: Command): Command {
  return command
    .option('-f, --file <file>', 'manifest (default: images.yaml, else kiln.config.ts, searched upward)')
    .option('--var <name=value>', 'set an interpolation variable (repeatable)', collect)
    .option('--set <image.field=value>', 'override a field, like bake --set; `*.field` for every image (repeatable)', collect);
}

/** Adds `--progress`. */
export function progressOption(command: Command): Command {
  return command.addOption(
    new Option('--progress <mode>', 'output: auto (Ink on a TTY, plain otherwise), tty, plain, json (NDJSON events)').choices(['auto', 'tty', 'plain', 'json']).default('auto'),
  );
}

/** Parses a positive integer option or fails with a usage message. */
export function positiveInt(name: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive whole number, got "${value}"`);
    return n;
  };
}
