/** kiln's public API. */
export type { Project, ImageSpec, GroupSpec, BuilderKind } from './model/project.js';
export type { BuildEvent, BuildEventType, PlannedImage, RebuildReason, RunCounts, EventSink } from './run/events.js';
export type { Diagnostic, SourceLocation } from './diagnostics/diagnostic.js';
export { KilnError } from './diagnostics/diagnostic.js';
export { ExitCode } from './cli/exit-codes.js';
export { defineConfig } from './config/define-config.js';
export type { KilnConfig, ConfigContext } from './config/define-config.js';
export { loadProject, loadProject as loadConfig, findManifest } from './config/index.js';
export { plan } from './plan/plan.js';
export { resolveGraph } from './plan/resolve-graph.js';
export type { BuildGraph, ImageNode, Edge } from './plan/graph.js';
export { formatDiagnostics } from './diagnostics/print.js';
