/**
 * The docker-library layout: variants of one repository, each FROM the previous (slim → main →
 * perl), plus one variant FROM an external image (alpine). The manifest lists them in the wrong
 * order on purpose (perl first), so only the tags can tell the edges. Each variant appends its name
 * to /lineage, so an image's content tells which parent it was really built on.
 * `registry` is the repository prefix (`127.0.0.1:5000/{{id}}`), `base` the external image.
 */
export function dockerLibraryFiles(options: { registry: string; base: string }): Record<string, string> {
  const { registry, base } = options;
  return {
    'images.yaml': `version: 1
name: "{{id}}"
registry: ${registry}
images:
  perl:
    context: perl
    repository: ${registry}/nginx
    tags: ["1.27-perl", perl]
  main:
    context: main
    repository: ${registry}/nginx
    args: { SLIM: 1.27-slim }
    tags: ["\${NGINX:-1.27}", latest]
  slim:
    context: slim
    repository: ${registry}/nginx
    tags: ["1.27-slim"]
  alpine:
    context: alpine
    repository: ${registry}/nginx
    tags: ["1.27-alpine"]
  probe:
    context: probe
    repository: ${registry}/probe
`,
    // A global ARG in FROM, expanded with its default.
    'perl/Dockerfile': `ARG BASE=${registry}/nginx:1.27
FROM \${BASE}
RUN cat /lineage && echo perl >> /lineage
`,
    // The tag comes from the image's args.
    'main/Dockerfile': `ARG SLIM=wrong
FROM ${registry}/nginx:\${SLIM}
RUN echo main >> /lineage
`,
    'slim/Dockerfile': `FROM ${base}
RUN echo slim > /lineage
`,
    'alpine/Dockerfile': `FROM ${base}
RUN echo alpine > /lineage
`,
    // No tag means latest (main); COPY --from names perl by its second tag.
    'probe/Dockerfile': `FROM ${registry}/nginx
COPY --from=${registry}/nginx:perl /lineage /perl-lineage
RUN cat /lineage /perl-lineage
`,
  };
}

/** What the layout must resolve to: each image's edges (dependency kind ref) and external bases, and the waves. */
export function dockerLibraryGraph(options: { registry: string; base: string }): {
  edges: Record<string, string[]>;
  externalBases: Record<string, string[]>;
  waves: string[][];
} {
  const { registry, base } = options;
  return {
    edges: {
      perl: [`main from ${registry}/nginx:1.27`],
      main: [`slim from ${registry}/nginx:1.27-slim`],
      slim: [],
      alpine: [],
      probe: [`main from ${registry}/nginx`, `perl copy-from ${registry}/nginx:perl`],
    },
    externalBases: { perl: [], main: [], slim: [base], alpine: [base], probe: [] },
    waves: [['slim', 'alpine'], ['main'], ['perl'], ['probe']],
  };
}
