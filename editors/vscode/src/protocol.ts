// The research-lsp protocol extensions, as plain types. Nothing here imports `vscode`, so these
// modules can be unit-tested in node without an editor.

/** LSP position: zero-based line and character (in the negotiated position encoding). */
export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/** One verbatim sentence of a source that mentions the entity or figure. */
export interface Excerpt {
  text: string;
  uri: string;
  range: Range;
}

export interface SourceEntry {
  key: string;
  title: string;
  author: string | null;
  date: string | null;
  mentions: number;
  excerpts: Excerpt[];
}

/** Answer of `researchLsp/sources`: `null` when nothing known sits under the cursor. */
export interface SourcesResult {
  name: string;
  kind: string;
  sources: SourceEntry[];
}

/** Answer of `researchLsp/status`. */
export interface StatusResult {
  version: string;
  corpus: string[];
  sources: number;
  entities: number;
  figures: number;
  indexing: boolean;
  warnings: string[];
}

export const SOURCES_METHOD = "researchLsp/sources";
export const STATUS_METHOD = "researchLsp/status";

/** The options sent in `initialize`: the corpus only when the user named one. */
export function initializationOptions(corpus: readonly string[] | undefined): { corpus: string[] } | undefined {
  const paths = (corpus ?? []).filter((p) => typeof p === "string" && p.trim() !== "");
  return paths.length > 0 ? { corpus: paths } : undefined;
}
