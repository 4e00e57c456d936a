import { realEngine } from '../helpers/services.js';

/** A monorepo where `app` builds FROM `lib`, `other` stands alone, and `app` has ignore rules. */
export const monorepo: Record<string, string> = {
  'images.yaml': `version: 1
name: {{id}}
registry: {{id}}
images:
  lib:
    context: lib
  app:
    context: app
    watch:
      ignore: ["notes/**"]
  other:
    context: other
`,
  'lib/Dockerfile': 'FROM busybox:latest\nCOPY lib.txt /lib.txt\n',
  'lib/lib.txt': 'lib {{id}}\n',
  'app/Dockerfile': 'FROM {{id}}/lib:latest\nCOPY . /app/\n',
  'app/.dockerignore': '*.log\n',
  'app/app.txt': 'app {{id}}\n',
  'app/notes/todo.md': 'todo\n',
  'other/Dockerfile': 'FROM busybox:latest\nCOPY other.txt /other.txt\n',
  'other/other.txt': 'other {{id}}\n',
};

/** One image whose build takes `seconds` in a RUN whose command line carries the project id. */
export function slowProject(seconds: number): Record<string, string> {
  return {
    'images.yaml': `version: 1
name: {{id}}
registry: {{id}}
images:
  slow:
    context: slow
  quick:
    context: quick
`,
    'slow/Dockerfile': `FROM busybox:latest\nCOPY a.txt /a.txt\nRUN sleep ${seconds} && echo {{id}} && cat /a.txt\n`,
    'slow/a.txt': 'one {{id}}\n',
    'quick/Dockerfile': 'FROM busybox:latest\nCOPY q.txt /q.txt\n',
    'quick/q.txt': 'quick {{id}}\n',
  };
}

/** Two independent images, `a` and `b`, whose builds take `a` and `b` seconds in a RUN carrying the project id. */
export function twoSlowProject(seconds: { a: number; b: number }): Record<string, string> {
  const image = (name: 'a' | 'b'): Record<string, string> => ({
    [`${name}/Dockerfile`]: `FROM busybox:latest\nCOPY ${name}.txt /${name}.txt\nRUN sleep ${seconds[name]} && echo {{id}} && cat /${name}.txt\n`,
    [`${name}/${name}.txt`]: `${name} one {{id}}\n`,
  });
  return {
    'images.yaml': `version: 1
name: {{id}}
registry: {{id}}
images:
  a:
    context: a
  b:
    context: b
`,
    ...image('a'),
    ...image('b'),
  };
}

/**
 * Removes every image tagged under the project's repositories (`<id>/...`), tag by tag: removing
 * by ID would also delete any shared image (the test base) that one of those tags points at.
 */
export async function removeProjectImages(id: string): Promise<void> {
  const engine = realEngine();
  try {
    const images = await engine.listImages({});
    for (const tag of images.flatMap((image) => image.RepoTags ?? []).filter((t) => t.startsWith(`${id}/`))) {
      await engine.removeImage(tag, { force: true }).catch(() => undefined);
    }
  } finally {
    await engine.close();
  }
}
