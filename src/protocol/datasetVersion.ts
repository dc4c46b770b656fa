// A dataset version: a file ML Lab wrote by applying a Recipe to a parent file. Stored as
// `.mllab/datasets/<hash>.json` (hash = sha256 of the written file's bytes) so the lineage survives renames
// and moves of the file itself; the sidebar tree of a later feature reads the same records.
import type { ApplyReport, Recipe } from './recipe.js';

export const DATASET_VERSION_SCHEMA_VERSION = 1;

export interface DatasetVersion {
  schemaVersion: number;
  /** sha256 of the file's content, hex. */
  hash: string;
  /** Workspace-relative path, '/'-separated, where the file was written. */
  path: string;
  /** The user's name for the version (defaults to the file name); Rename changes only this. */
  name: string;
  /** The file it was cleaned from; null for a source dataset. */
  parent: { hash: string; path: string } | null;
  recipe: Recipe | null;
  report: ApplyReport | null;
  rows: number;
  /** ISO-8601. */
  createdAt: string;
}
