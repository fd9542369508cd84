// VS Code client for research-lsp: starts the server on Markdown files, forwards the corpus setting,
// and adds the "Show Sources" and "Show Status" commands on top of the server's custom requests.
// Hover, go to definition, references, completion, symbols, diagnostics and work-done progress
// ("Indexing corpus") all come through vscode-languageclient unchanged.

import * as os from "node:os";
import * as vscode from "vscode";
import {
  DidChangeConfigurationNotification,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
} from "vscode-languageclient/node";
import {
  initializationOptions,
  SOURCES_METHOD,
  SourcesResult,
  STATUS_METHOD,
  StatusResult,
} from "./protocol";
import { ExcerptPick, formatStatus, sourcesTitle, sourcesToPicks, statusSummary } from "./presentation";
import { resolveServerPath } from "./serverPath";

const CLIENT_ID = "researchLsp";
const CLIENT_NAME = "Research LSP";

let client: LanguageClient | undefined;
let outputChannel: vscode.OutputChannel | undefined;
let extensionContext: vscode.ExtensionContext | undefined;

function config(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(CLIENT_ID);
}

function workspaceRoot(): string | undefined {
  const folder = vscode.workspace.workspaceFolders?.[0];
  return folder?.uri.scheme === "file" ? folder.uri.fsPath : undefined;
}

/** Open this extension's README (its "Installing the server" section explains the install). */
async function openInstallInstructions(): Promise<void> {
  if (extensionContext !== undefined) {
    // vsce stores the README as readme.md inside a .vsix; a development checkout has README.md.
    for (const name of ["README.md", "readme.md"]) {
      const readme = vscode.Uri.joinPath(extensionContext.extensionUri, name);
      try {
        await vscode.workspace.fs.stat(readme);
      } catch {
        continue;
      }
      await vscode.commands.executeCommand("markdown.showPreview", readme);
      return;
    }
  }
  await vscode.commands.executeCommand("extension.open", "research-lsp.research-lsp");
}

async function explainMissingServer(setting: string): Promise<void> {
  const install = "How to Install";
  const settings = "Open Settings";
  const choice = await vscode.window.showErrorMessage(
    `Research LSP: the server binary "${setting}" was not found. Install it with ` +
      "`cargo install --path .` in a checkout of the research-lsp repository, " +
      "or set researchLsp.server.path to the binary.",
    install,
    settings,
  );
  if (choice === install) {
    await openInstallInstructions();
  } else if (choice === settings) {
    await vscode.commands.executeCommand("workbench.action.openSettings", "researchLsp.server.path");
  }
}

async function startClient(): Promise<void> {
  const setting = config().get<string>("server.path", "research-lsp");
  const command = resolveServerPath(setting, {
    pathVariable: process.env.PATH ?? process.env.Path,
    pathExt: process.env.PATHEXT,
    platform: process.platform,
    workspaceRoot: workspaceRoot(),
    home: os.homedir(),
  });
  if (command === undefined) {
    void explainMissingServer(setting);
    return;
  }

  // No `transport` here on purpose: languageclient would append `--stdio` to the arguments, and the
  // server speaks stdio by default.
  const serverOptions: ServerOptions = {
    command,
    args: config().get<string[]>("server.extraArgs", []),
    options: { cwd: workspaceRoot() },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "markdown" },
      { scheme: "untitled", language: "markdown" },
    ],
    initializationOptions: {
      ...(initializationOptions(config().get<string[]>("corpus", [])) ?? {}),
      inlayHints: config().get<boolean>("inlayHints", false),
      persistIndex: config().get<boolean>("persistIndex", true),
    },
    // No `synchronize.configurationSection`: it would send the whole section right after `initialize`,
    // which makes the server index a second time. `sendCorpus` sends the corpus when it changes, and
    // the server's own workspace/configuration requests are answered by languageclient as usual.
    outputChannel,
    traceOutputChannel: outputChannel,
  };
  const newClient = new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
  client = newClient;
  try {
    await newClient.start();
  } catch (error) {
    client = undefined;
    const message = error instanceof Error ? error.message : String(error);
    void vscode.window.showErrorMessage(`Research LSP: could not start ${command}: ${message}`);
  }
}

/** Tell the running server about a new `researchLsp.corpus`; it re-indexes without a restart. */
async function sendCorpus(): Promise<void> {
  if (client === undefined || !client.isRunning()) {
    return;
  }
  const corpus = config().get<string[]>("corpus", []);
  await client.sendNotification(DidChangeConfigurationNotification.type, {
    settings: { [CLIENT_ID]: { corpus } },
  });
}

/** Tell the running server whether to show "in N sources" inlay hints. */
async function sendInlayHints(): Promise<void> {
  if (client === undefined || !client.isRunning()) {
    return;
  }
  const inlayHints = config().get<boolean>("inlayHints", false);
  await client.sendNotification(DidChangeConfigurationNotification.type, {
    settings: { [CLIENT_ID]: { inlayHints } },
  });
}

async function stopClient(): Promise<void> {
  const running = client;
  client = undefined;
  if (running !== undefined) {
    try {
      await running.stop();
    } catch {
      // A server that already died cannot be stopped politely; dispose of it all the same.
    }
    await running.dispose();
  }
}

async function restartServer(): Promise<void> {
  await stopClient();
  await startClient();
}

function runningClient(): LanguageClient | undefined {
  if (client === undefined || !client.isRunning()) {
    void vscode.window.showWarningMessage("Research LSP: the server is not running.");
    return undefined;
  }
  return client;
}

async function revealExcerpt(pick: ExcerptPick, lc: LanguageClient, keepFocus: boolean): Promise<void> {
  const uri = vscode.Uri.parse(pick.uri);
  const selection = lc.protocol2CodeConverter.asRange(pick.range);
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(document, {
    selection,
    preview: true,
    preserveFocus: keepFocus,
    viewColumn: vscode.ViewColumn.Active,
  });
}

async function showSources(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (editor === undefined || editor.document.languageId !== "markdown") {
    void vscode.window.showInformationMessage("Research LSP: place the cursor on an entity or figure in a Markdown note.");
    return;
  }
  const lc = runningClient();
  if (lc === undefined) {
    return;
  }
  const params = lc.code2ProtocolConverter.asTextDocumentPositionParams(editor.document, editor.selection.active);
  const result = await lc.sendRequest<SourcesResult | null>(SOURCES_METHOD, params);
  if (result === null || result === undefined) {
    void vscode.window.showInformationMessage("Research LSP: no known entity or figure under the cursor.");
    return;
  }
  const picks = sourcesToPicks(result);
  if (picks.length === 0) {
    void vscode.window.showInformationMessage(`Research LSP: no excerpts for ${result.name}.`);
    return;
  }
  const origin = { document: editor.document, selection: editor.selection, column: editor.viewColumn };
  const quickPick = vscode.window.createQuickPick<ExcerptPick & vscode.QuickPickItem>();
  quickPick.title = sourcesTitle(result);
  quickPick.placeholder = "Pick an excerpt to open it in its source";
  quickPick.matchOnDescription = true;
  quickPick.matchOnDetail = true;
  quickPick.items = picks;
  let accepted = false;
  quickPick.onDidChangeActive((active) => {
    if (active[0] !== undefined) {
      void revealExcerpt(active[0], lc, true);
    }
  });
  quickPick.onDidAccept(() => {
    const chosen = quickPick.selectedItems[0] ?? quickPick.activeItems[0];
    accepted = true;
    quickPick.hide();
    if (chosen !== undefined) {
      void revealExcerpt(chosen, lc, false);
    }
  });
  quickPick.onDidHide(() => {
    quickPick.dispose();
    if (!accepted) {
      // Cancelled: go back to the note where the command was run.
      void vscode.window.showTextDocument(origin.document, { selection: origin.selection, viewColumn: origin.column });
    }
  });
  quickPick.show();
}

async function showStatus(): Promise<void> {
  const lc = runningClient();
  if (lc === undefined) {
    return;
  }
  const status = await lc.sendRequest<StatusResult>(STATUS_METHOD);
  outputChannel?.appendLine(formatStatus(status));
  const show = "Show Details";
  const choice = await vscode.window.showInformationMessage(statusSummary(status), show);
  if (choice === show) {
    outputChannel?.show(true);
  }
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  extensionContext = context;
  outputChannel = vscode.window.createOutputChannel(CLIENT_NAME);
  context.subscriptions.push(
    outputChannel,
    vscode.commands.registerCommand("researchLsp.restartServer", restartServer),
    vscode.commands.registerCommand("researchLsp.showSources", showSources),
    vscode.commands.registerCommand("researchLsp.showStatus", showStatus),
    vscode.workspace.onDidChangeConfiguration((event) => {
      // The corpus travels by didChangeConfiguration; a different binary, or persistIndex (read at start),
      // needs a new process.
      if (event.affectsConfiguration("researchLsp.server") || event.affectsConfiguration("researchLsp.persistIndex")) {
        void restartServer();
      } else if (event.affectsConfiguration("researchLsp.corpus")) {
        void sendCorpus();
      } else if (event.affectsConfiguration("researchLsp.inlayHints")) {
        void sendInlayHints();
      }
    }),
  );
  await startClient();
}

export async function deactivate(): Promise<void> {
  await stopClient();
}
