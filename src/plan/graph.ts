import type { SourceLocation } from '../diagnostics/diagnostic.js';
import type { ImageSpec, Project } from '../model/project.js';

/** Why one image depends on another. */
export type EdgeKind = 'depends_on' | 'from' | 'copy-from' | 'mount-from';

/** A dependency of one manifest image on another. */
export interface Edge {
  /** The image that needs the other. */
  dependent: string;
  /** The image needed. */
  dependency: string;
  kind: EdgeKind;
  /** The reference as the Dockerfile names it, ARG-expanded (`acme/base:latest`); absent for depends_on. */
  ref?: string;
  /** Where the edge was written: the manifest `depends_on` entry or the Dockerfile line. */
  location: SourceLocation;
}

/** One image of the graph with its resolved edges. */
export interface ImageNode {
  spec: ImageSpec;
  /** Edges to the images this one needs. */
  edges: Edge[];
  /** Names of the images this one needs, unique, manifest order. */
  dependencies: string[];
  /** Names of the images that need this one. */
  dependents: string[];
  /** External base images (not manifest images) the build needs, ARG-expanded (`busybox:latest`). */
  externalBases: string[];
}

declare const validated: unique symbol;

/** An acyclic, validated graph of a selection. Only the planner makes one, so the scheduler can trust it. */
export interface BuildGraph {
  readonly [validated]: true;
  project: Project;
  /** The selected images and everything they depend on. */
  nodes: ReadonlyMap<string, ImageNode>;
  /** Node names, dependencies before dependents. */
  order: string[];
  /** Waves: each wave only needs images of earlier waves. */
  waves: string[][];
}
