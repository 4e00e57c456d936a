/** kiln's public API. */
export type { Project, ImageSpec, GroupSpec, BuilderKind } from './model/project.js';
export type { BuildEvent, BuildEventType, PlannedImage, RebuildReason, RunCounts, EventSink } from './run/events.js';
export type { Diagnostic, SourceLocation } from './diagnostics/diagnostic.js';
export { KilnError } from './diagnostics/diagnostic.js';
export { ExitCode } from './cli/exit-codes.js';
