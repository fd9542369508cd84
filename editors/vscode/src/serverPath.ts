// Finding the server binary: a bare name is looked up on PATH the way a shell would, a path with a
// directory part is taken relative to the workspace root. Pure node; no `vscode` import.

import * as fs from "node:fs";
import * as path from "node:path";

export interface LookupEnvironment {
  /** The PATH variable (or Path on Windows). */
  pathVariable: string | undefined;
  /** PATHEXT on Windows; ignored elsewhere. */
  pathExt: string | undefined;
  platform: NodeJS.Platform;
  /** First workspace folder, for relative paths such as `./target/debug/research-lsp`. */
  workspaceRoot: string | undefined;
  /** Home directory, for `~/...`. */
  home: string | undefined;
  isExecutable?: (file: string) => boolean;
}

export function isExecutableFile(file: string): boolean {
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) {
      return false;
    }
    if (process.platform === "win32") {
      return true;
    }
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function candidates(file: string, env: LookupEnvironment): string[] {
  if (env.platform !== "win32" || path.extname(file) !== "") {
    return [file];
  }
  const exts = (env.pathExt ?? ".EXE;.CMD;.BAT;.COM").split(";").filter((e) => e !== "");
  return [file, ...exts.map((e) => file + e.toLowerCase()), ...exts.map((e) => file + e)];
}

/**
 * Resolve the `researchLsp.server.path` setting to an executable file, or `undefined` when there is none.
 */
export function resolveServerPath(setting: string | undefined, env: LookupEnvironment): string | undefined {
  const isExecutable = env.isExecutable ?? isExecutableFile;
  const pathApi = env.platform === "win32" ? path.win32 : path.posix;
  let wanted = (setting ?? "").trim();
  if (wanted === "") {
    wanted = "research-lsp";
  }
  if (wanted === "~" || wanted.startsWith("~/")) {
    if (env.home === undefined) {
      return undefined;
    }
    wanted = pathApi.join(env.home, wanted.slice(1));
  }
  const hasDirectory = wanted.includes("/") || (env.platform === "win32" && wanted.includes("\\"));
  if (hasDirectory) {
    const absolute = pathApi.isAbsolute(wanted)
      ? wanted
      : env.workspaceRoot !== undefined
        ? pathApi.resolve(env.workspaceRoot, wanted)
        : undefined;
    if (absolute === undefined) {
      return undefined;
    }
    return candidates(absolute, env).find(isExecutable);
  }
  const separator = env.platform === "win32" ? ";" : ":";
  for (const dir of (env.pathVariable ?? "").split(separator)) {
    if (dir === "") {
      continue;
    }
    const found = candidates(pathApi.join(dir, wanted), env).find(isExecutable);
    if (found !== undefined) {
      return found;
    }
  }
  return undefined;
}
