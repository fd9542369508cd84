import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { formatStatus, sourcesToPicks, sourcesTitle, statusSummary } from "../presentation";
import { initializationOptions, SourcesResult } from "../protocol";
import { resolveServerPath } from "../serverPath";

const sources: SourcesResult = {
  name: "Eurasian Economic Union",
  kind: "organization",
  sources: [
    {
      key: "cafiero2025",
      title: "Russia and Central Asia",
      author: "G. Cafiero",
      date: "2025",
      mentions: 7,
      excerpts: [
        {
          text: "Kazakhstan is a member of the\n  Eurasian Economic Union.",
          uri: "file:///tmp/seeds/002.txt",
          range: { start: { line: 3, character: 0 }, end: { line: 4, character: 25 } },
        },
        {
          text: "Second sentence.",
          uri: "file:///tmp/seeds/002.txt",
          range: { start: { line: 9, character: 2 }, end: { line: 9, character: 18 } },
        },
      ],
    },
    { key: "valdai", title: "Valdai", author: null, date: null, mentions: 1, excerpts: [] },
  ],
};

describe("initializationOptions", () => {
  it("omits the corpus when none is set", () => {
    assert.equal(initializationOptions(undefined), undefined);
    assert.equal(initializationOptions([]), undefined);
    assert.equal(initializationOptions(["", "  "]), undefined);
  });
  it("passes the paths through", () => {
    assert.deepEqual(initializationOptions(["notes/sources", "/abs/x.txt"]), {
      corpus: ["notes/sources", "/abs/x.txt"],
    });
  });
});

describe("sourcesToPicks", () => {
  it("makes one pick per excerpt with key and title in the label", () => {
    const picks = sourcesToPicks(sources);
    assert.equal(picks.length, 2);
    assert.equal(picks[0].label, "[@cafiero2025] Russia and Central Asia");
    assert.equal(picks[0].detail, "Kazakhstan is a member of the Eurasian Economic Union.");
    assert.equal(picks[0].description, "G. Cafiero, 2025 · 7 mentions");
    assert.equal(picks[0].uri, "file:///tmp/seeds/002.txt");
    assert.deepEqual(picks[1].range.start, { line: 9, character: 2 });
  });
  it("titles the pick with name, kind and source count", () => {
    assert.equal(sourcesTitle(sources), "Eurasian Economic Union (organization) — 2 sources");
  });
});

describe("status", () => {
  const status = {
    version: "0.1.0",
    corpus: ["<embedded seeds>"],
    sources: 5,
    entities: 120,
    figures: 40,
    indexing: false,
    warnings: ["x.pdf: not a text file"],
  };
  it("formats every field", () => {
    const text = formatStatus(status);
    assert.match(text, /research-lsp 0\.1\.0/);
    assert.match(text, /corpus: <embedded seeds>/);
    assert.match(text, /5 sources, 120 entities, 40 figures/);
    assert.match(text, /warning: x\.pdf/);
    assert.match(statusSummary(status), /1 warning/);
  });
});

describe("resolveServerPath", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "research-lsp-test-"));
  const binDir = path.join(dir, "bin");
  fs.mkdirSync(binDir);
  const exe = path.join(binDir, "research-lsp");
  fs.writeFileSync(exe, "#!/bin/sh\n");
  fs.chmodSync(exe, 0o755);
  const env = { pathVariable: `/nonexistent:${binDir}`, pathExt: undefined, platform: "linux" as const, workspaceRoot: dir, home: dir };

  it("finds a bare name on PATH", () => {
    assert.equal(resolveServerPath("research-lsp", env), exe);
    assert.equal(resolveServerPath("", env), exe);
  });
  it("resolves a relative path against the workspace root", () => {
    assert.equal(resolveServerPath("./bin/research-lsp", env), exe);
    assert.equal(resolveServerPath("~/bin/research-lsp", env), exe);
  });
  it("returns undefined when missing", () => {
    assert.equal(resolveServerPath("no-such-server", env), undefined);
    assert.equal(resolveServerPath("/no/such/research-lsp", env), undefined);
  });
  it("uses PATHEXT on Windows", () => {
    const found = resolveServerPath("research-lsp", {
      pathVariable: "C:\\bin",
      pathExt: ".EXE",
      platform: "win32",
      workspaceRoot: undefined,
      home: undefined,
      isExecutable: (f) => f === "C:\\bin\\research-lsp.exe",
    });
    assert.equal(found, "C:\\bin\\research-lsp.exe");
  });
});
