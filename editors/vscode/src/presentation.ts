// Turning the server's custom answers into what the UI shows. Pure; no `vscode` import, so the
// extension's commands stay thin and this part is tested in node.

import type { Excerpt, Range, SourcesResult, StatusResult } from "./protocol";

/** One row of the "Show Sources" quick pick: an excerpt of one source. */
export interface ExcerptPick {
  label: string;
  description: string;
  detail: string;
  uri: string;
  range: Range;
}

function byline(author: string | null, date: string | null): string {
  return [author, date].filter((s): s is string => s !== null && s !== "").join(", ");
}

/** Squeeze whitespace so a multi-line sentence fits on the quick pick's detail line. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

export function sourcesToPicks(result: SourcesResult): ExcerptPick[] {
  const picks: ExcerptPick[] = [];
  for (const source of result.sources) {
    const who = byline(source.author, source.date);
    const mentions = `${source.mentions} mention${source.mentions === 1 ? "" : "s"}`;
    source.excerpts.forEach((excerpt: Excerpt) => {
      picks.push({
        label: `[@${source.key}] ${source.title}`,
        description: who === "" ? mentions : `${who} · ${mentions}`,
        detail: oneLine(excerpt.text),
        uri: excerpt.uri,
        range: excerpt.range,
      });
    });
  }
  return picks;
}

export function sourcesTitle(result: SourcesResult): string {
  const n = result.sources.length;
  return `${result.name} (${result.kind}) — ${n} source${n === 1 ? "" : "s"}`;
}

export function formatStatus(status: StatusResult): string {
  const lines = [
    `research-lsp ${status.version}${status.indexing ? " (indexing…)" : ""}`,
    `corpus: ${status.corpus.join(", ")}`,
    `${status.sources} sources, ${status.entities} entities, ${status.figures} figures`,
  ];
  for (const warning of status.warnings) {
    lines.push(`warning: ${warning}`);
  }
  return lines.join("\n");
}

export function statusSummary(status: StatusResult): string {
  const warnings = status.warnings.length > 0 ? `, ${status.warnings.length} warning(s)` : "";
  const indexing = status.indexing ? " — indexing…" : "";
  return `research-lsp ${status.version}: ${status.sources} sources, ${status.entities} entities, ${status.figures} figures${warnings}${indexing}`;
}
