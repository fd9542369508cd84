--- :checkhealth research_lsp
local M = {}

local health = vim.health
local start = health.start or health.report_start
local ok = health.ok or health.report_ok
local info = health.info or health.report_info
local warn = health.warn or health.report_warn
local fail = health.error or health.report_error

local function version_string()
  local v = vim.version()
  return ('%d.%d.%d'):format(v.major, v.minor, v.patch)
end

--- Run `cmd --version` with a timeout; returns trimmed output or nil, message.
local function server_version(binary)
  if vim.system then
    local ok_spawn, proc = pcall(vim.system, { binary, '--version' }, { text = true })
    if not ok_spawn then
      return nil, tostring(proc)
    end
    local result = proc:wait(5000)
    if result.code ~= 0 then
      return nil, ('exit code %s: %s'):format(tostring(result.code), vim.trim((result.stderr or '') .. (result.stdout or '')))
    end
    return vim.trim(result.stdout or ''), nil
  end
  local out = vim.fn.system({ binary, '--version' })
  if vim.v.shell_error ~= 0 then
    return nil, ('exit code %d: %s'):format(vim.v.shell_error, vim.trim(out))
  end
  return vim.trim(out), nil
end

--- The config a new client would use: vim.lsp.config's (0.11+) when it has one, else setup()'s.
local function effective_config(rl)
  if vim.fn.has('nvim-0.11') == 1 then
    local ok_cfg, config = pcall(function()
      return vim.lsp.config[rl.name]
    end)
    if ok_cfg and type(config) == 'table' then
      return config, 'vim.lsp.config'
    end
  end
  return rl.lsp_config(), 'research_lsp options'
end

local function describe_corpus(init_options, root)
  if type(init_options) == 'table' and type(init_options.corpus) == 'table' and #init_options.corpus > 0 then
    return 'init_options.corpus = ' .. table.concat(init_options.corpus, ', ')
  end
  if root and vim.fn.filereadable(root .. '/.research-lsp.toml') == 1 then
    return ('`corpus` from %s/.research-lsp.toml (embedded seed articles if it has none)'):format(root)
  end
  return 'the embedded seed articles (no init_options.corpus, no .research-lsp.toml)'
end

local function note_buffer(filetypes)
  for _, buf in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(buf) and vim.tbl_contains(filetypes, vim.bo[buf].filetype) then
      return buf
    end
  end
  return nil
end

local function check_client(rl, client)
  local root = client.config and client.config.root_dir or client.root_dir
  ok(('client %d running (root: %s, encoding: %s)'):format(client.id, root or 'none', client.offset_encoding or '?'))
  local status, err = rl.request_sync(client, 'researchLsp/status', nil, 5000)
  if not status then
    fail('researchLsp/status failed: ' .. tostring(err))
    return
  end
  local lines = rl.format_status(status)
  ok(lines[1])
  ok(lines[2])
  if (tonumber(status.sources) or 0) > 0 then
    ok(lines[3])
  else
    warn(lines[3], { 'The corpus is empty: check init_options.corpus or .research-lsp.toml.' })
  end
  if status.indexing == true then
    info('indexing is still in progress')
  end
  for _, w in ipairs(type(status.warnings) == 'table' and status.warnings or {}) do
    warn(w)
  end
end

function M.check()
  local rl = require('research_lsp')

  start('research_lsp: Neovim')
  if vim.fn.has('nvim-0.11') == 1 then
    ok(('Neovim %s: vim.lsp.enable("research_lsp") and setup() both work'):format(version_string()))
  elseif vim.fn.has('nvim-0.9') == 1 then
    ok(('Neovim %s: use require("research_lsp").setup()'):format(version_string()))
  else
    fail(('Neovim %s is too old: research_lsp needs 0.9 or later'):format(version_string()))
  end

  start('research_lsp: server binary')
  local running = rl.get_clients()
  local config, origin = effective_config(rl)
  local cmd = running[1] and running[1].config.cmd or config.cmd
  if type(cmd) == 'function' then
    info('cmd is a function (' .. origin .. '); cannot check the binary')
  elseif type(cmd) ~= 'table' or type(cmd[1]) ~= 'string' then
    fail('no cmd configured (' .. origin .. ')')
  else
    local binary = cmd[1]
    if vim.fn.executable(binary) == 1 then
      ok(('%s is executable: %s'):format(binary, vim.fn.exepath(binary)))
      local version, err = server_version(binary)
      if version then
        ok(('`%s --version`: %s'):format(binary, version))
      else
        warn(('`%s --version` failed: %s'):format(binary, err or '?'))
      end
    else
      fail(('%s is not executable or not on PATH'):format(binary), {
        'Install the server: `cargo install research-lsp`, or `cargo install --path .` in a checkout.',
        "Or point cmd at the binary: vim.lsp.config('research_lsp', { cmd = { '/path/to/research-lsp' } })"
          .. " or require('research_lsp').setup({ cmd = { '/path/to/research-lsp' } }).",
      })
    end
  end

  start('research_lsp: server')
  if #running == 0 then
    info('no research_lsp client is running (open a Markdown file to start one)')
    -- :checkhealth runs in a buffer of its own: look at the first note that is open instead.
    local note = note_buffer(config.filetypes or rl.defaults.filetypes)
    local root = note and rl.find_root(note, config.root_markers or rl.defaults.root_markers)
    if note then
      info(('root for %s: %s'):format(vim.api.nvim_buf_get_name(note), root or 'none found'))
    end
    info('corpus a new client would use: ' .. describe_corpus(config.init_options, root))
    return
  end
  for _, client in ipairs(running) do
    check_client(rl, client)
  end
end

return M
