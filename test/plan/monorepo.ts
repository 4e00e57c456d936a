/** A realistic monorepo, written to a temp folder per test: every kind of inferred edge. */
export const monorepoFiles: Record<string, string> = {
  'images.yaml': `version: 1
name: {{id}}
registry: 127.0.0.1:5000/{{id}}
defaults:
  tags: [latest]
images:
  base:
    context: base
  proto:
    context: libs/proto
    repository: {{id}}/proto
  api:
    context: services/api
    args: { BASE_TAG: latest }
    tags: ["1.0", latest]
  worker:
    context: services/worker
  tools:
    context: services/tools
    dockerfile: ../../docker/tools.Dockerfile
  admin:
    context: services/admin
    target: slim
    depends_on: [proto]
groups:
  backend: [api, worker]
  everything: [backend, tools]
`,
  // A published build of its own repository, pinned by digest, is external: not a self-edge.
  'base/Dockerfile': `FROM busybox:latest
COPY --from=127.0.0.1:5000/{{id}}/base@sha256:3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f /etc/motd /etc/motd.previous
`,
  'libs/proto/Dockerfile': `FROM busybox:latest
RUN mkdir /proto
`,
  // A global ARG default (REGISTRY) and one the manifest overrides (BASE_TAG).
  'services/api/Dockerfile': `ARG REGISTRY=127.0.0.1:5000/{{id}}
ARG BASE_TAG=v0
FROM \${REGISTRY}/base:\${BASE_TAG} AS runtime
COPY --from=docker.io/{{id}}/proto:latest /proto /proto
`,
  // No tag, and the registry host spelled out; a RUN --mount from= another image.
  'services/worker/Dockerfile': `FROM 127.0.0.1:5000/{{id}}/base
RUN --mount=type=bind,from={{id}}/proto,target=/p cp -r /p /proto
`,
  'services/tools/tool.sh': 'echo tool\n',
  // Outside its context.
  'docker/tools.Dockerfile': `FROM busybox:latest
COPY --from={{id}}/proto /proto /proto
COPY tool.sh /tool.sh
`,
  // The target skips the stage built FROM api: no edge to api.
  'services/admin/Dockerfile': `FROM 127.0.0.1:5000/{{id}}/api:latest AS full
FROM busybox:latest AS slim
COPY hello /hello
`,
  'services/admin/hello': 'hello\n',
};
