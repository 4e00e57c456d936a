import type { Command } from 'commander';
import { createEngine } from '../../engine/index.js';
import { splitRepositoryTag } from '../../images/index.js';
import { diagnostic, KilnError } from '../../diagnostics/diagnostic.js';
import { ExitCode } from '../exit-codes.js';
import type { CliIO } from '../io.js';

/** Options of `kiln commit`, as `docker commit`'s. */
export interface CommitOptions {
  change?: string[];
  message?: string;
  author?: string;
  pause?: boolean;
}

/** `kiln commit CONTAINER REPO[:TAG]`: a container's filesystem as a new image; prints its ID. */
export async function commit(io: CliIO, options: CommitOptions, container: string, target: string): Promise<ExitCode> {
  const parsed = splitRepositoryTag(target);
  if (parsed === undefined) {
    throw new KilnError(diagnostic('usage', `invalid reference format: "${target}"`, { hint: 'Write the target as repository[:tag], lowercase.' }));
  }
  const engine = createEngine({ env: io.env });
  try {
    const { id } = await engine.commit(
      container,
      {
        repository: parsed.repository,
        tag: parsed.tag,
        ...(options.message !== undefined ? { message: options.message } : {}),
        ...(options.author !== undefined ? { author: options.author } : {}),
        ...(options.change?.length ? { changes: options.change } : {}),
        pause: options.pause !== false,
      },
      io.signal,
    );
    io.stdout.write(`${id}\n`);
    return ExitCode.ok;
  } finally {
    await engine.close();
  }
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Registers the command. */
export function registerCommit(program: Command, io: CliIO, run: (p: Promise<ExitCode>) => void): void {
  program
    .command('commit')
    .argument('<container>', 'container name or ID')
    .argument('<repository[:tag]>', 'the new image')
    .description("create an image from a container's changes (as docker commit)")
    .option('-c, --change <instruction>', 'apply a Dockerfile instruction (ENV A=b, CMD, LABEL, ...) (repeatable)', collect)
    .option('-m, --message <message>', 'commit message')
    .option('-a, --author <author>', 'author')
    .option('--no-pause', 'do not pause the container while committing')
    .action((container: string, target: string, options: CommitOptions) => run(commit(io, options, container, target)));
}
