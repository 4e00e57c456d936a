// One image per folder under services/: adding a service needs no manifest edit.
import { readdirSync } from 'node:fs';
import { defineConfig } from 'kiln';

export default defineConfig(({ git, root }) => {
  const services = readdirSync(`${root}/services`, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  return {
    version: 1,
    name: 'generated',
    registry: '127.0.0.1:5000/generated',
    defaults: { tags: [git.shortSha || 'dev', 'latest'] },
    images: Object.fromEntries(
      services.map((name) => [name, { context: `services/${name}`, args: { SERVICE: name } }]),
    ),
    groups: { all: services },
  };
});
