import type { Dockerfile } from 'dockerfile-ast';
import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import { toLocation } from './positions.js';
import { closest } from '../util/suggest.js';

/** Every instruction the Dockerfile frontend accepts. */
export const INSTRUCTIONS = [
  'ADD', 'ARG', 'CMD', 'COPY', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'FROM', 'HEALTHCHECK', 'LABEL',
  'MAINTAINER', 'ONBUILD', 'RUN', 'SHELL', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR',
] as const;

const KNOWN = new Set<string>(INSTRUCTIONS);

/**
 * The structural errors the engine rejects before building anything: an unknown instruction,
 * anything but ARG before the first FROM, no FROM at all.
 */
export function checkInstructions(dockerfile: Dockerfile, file: string, displayPath: string): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  let seenFrom = false;
  for (const instruction of dockerfile.getInstructions()) {
    const keyword = instruction.getKeyword();
    const range = instruction.getInstructionRange();
    const location = toLocation(file, range.start, range.end);
    if (!KNOWN.has(keyword)) {
      const guess = closest(keyword, INSTRUCTIONS);
      diagnostics.push(
        diagnostic('usage', `unknown instruction: ${instruction.getInstruction()}`, {
          location,
          hint: guess
            ? `Did you mean ${guess}?`
            : 'Dockerfile instructions are FROM, RUN, COPY, ADD, ARG, ENV, WORKDIR, USER, CMD, ENTRYPOINT and a few more; check the spelling.',
        }),
      );
      continue;
    }
    if (keyword === 'FROM') seenFrom = true;
    else if (!seenFrom && keyword !== 'ARG') {
      diagnostics.push(
        diagnostic('usage', `${keyword} comes before the first FROM`, {
          location,
          hint: 'Only ARG may precede the first FROM; start the stage with FROM <image> first.',
        }),
      );
    }
  }
  if (!seenFrom) {
    diagnostics.push(
      diagnostic('usage', `${displayPath} has no FROM instruction`, {
        location: { file, line: 1, column: 1 },
        hint: 'A Dockerfile starts with FROM <image> (optionally preceded by ARG lines).',
      }),
    );
  }
  return diagnostics;
}
