--- research_lsp: Neovim client for research-lsp, the language server for research notes in Markdown.
---
--- Neovim 0.11+: `vim.lsp.enable('research_lsp')` uses `lsp/research_lsp.lua`, or call `setup()`,
--- which does the same. Neovim 0.9/0.10: `setup()` starts the server from a FileType autocmd.
--- The custom requests `researchLsp/sources` and `researchLsp/status` are wrapped by
--- `sources()` and `status()` (`:ResearchSources`, `:ResearchStatus`).

local M = {}

M.name = 'research_lsp'

---@class research_lsp.Options
---@field cmd? string[] Command that starts the server (default `{ 'research-lsp' }`).
---@field corpus? string[] Source files or directories; relative paths are taken from the root.
---@field filetypes? string[] Filetypes to attach to (default `{ 'markdown' }`).
---@field root_markers? string[] Files or directories that mark the root of a notes project.
---@field on_attach? fun(client: table, bufnr: integer)
---@field capabilities? table
---@field use_enable? boolean On 0.11+, start through vim.lsp.config/vim.lsp.enable (default true).

M.defaults = {
  cmd = { 'research-lsp' },
  corpus = nil,
  filetypes = { 'markdown' },
  root_markers = { '.research-lsp.toml', '.git' },
  on_attach = nil,
  capabilities = nil,
  use_enable = true,
}

---@type research_lsp.Options
local user_options = {}

local has_011 = vim.fn.has('nvim-0.11') == 1
local has_010 = vim.fn.has('nvim-0.10') == 1

--- The options in force: defaults < vim.g.research_lsp < setup().
---@return research_lsp.Options
function M.options()
  local from_global = type(vim.g.research_lsp) == 'table' and vim.g.research_lsp or {}
  return vim.tbl_extend('force', vim.deepcopy(M.defaults), from_global, user_options)
end

--- initializationOptions for the server: the corpus only when one is set (absent = the server's
--- own choice: `.research-lsp.toml` at the root, else the embedded seed articles).
---@param corpus string[]|nil
---@return table|nil
function M.init_options(corpus)
  if type(corpus) == 'table' and #corpus > 0 then
    return { corpus = corpus }
  end
  return nil
end

--- The config table for vim.lsp.config (0.11+) built from the options in force.
---@return table
function M.lsp_config()
  local opts = M.options()
  local config = {
    cmd = opts.cmd,
    filetypes = opts.filetypes,
    root_markers = opts.root_markers,
    init_options = M.init_options(opts.corpus),
  }
  if opts.on_attach then
    config.on_attach = opts.on_attach
  end
  if opts.capabilities then
    config.capabilities = opts.capabilities
  end
  return config
end

--- Root directory of the notes containing `bufnr`: nearest directory with a root marker, else nil.
---@param bufnr integer
---@param markers string[]
---@return string|nil
function M.find_root(bufnr, markers)
  if vim.fs.root then
    return vim.fs.root(bufnr, markers)
  end
  local name = vim.api.nvim_buf_get_name(bufnr)
  local start = name ~= '' and vim.fs.dirname(name) or vim.loop.cwd()
  local found = vim.fs.find(markers, { upward = true, path = start })[1]
  return found and vim.fs.dirname(found) or nil
end

local function get_clients(filter)
  if vim.lsp.get_clients then
    return vim.lsp.get_clients(filter)
  end
  return vim.lsp.get_active_clients(filter)
end

--- The research_lsp client attached to `bufnr` (default: current buffer), else any running one.
---@param bufnr? integer
---@return table|nil
function M.get_client(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local attached = get_clients({ name = M.name, bufnr = bufnr })
  if #attached > 0 then
    return attached[1]
  end
  return get_clients({ name = M.name })[1]
end

--- All running research_lsp clients.
function M.get_clients()
  return get_clients({ name = M.name })
end

--- Start (or reuse) a client for `bufnr`: the 0.9/0.10 path, used by setup()'s FileType autocmd.
---@param bufnr? integer
---@return integer|nil client_id
function M.start(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local buftype = vim.bo[bufnr].buftype
  if buftype == 'nofile' or buftype == 'terminal' or buftype == 'prompt' or buftype == 'help' then
    return nil
  end
  local opts = M.options()
  local config = {
    name = M.name,
    cmd = opts.cmd,
    root_dir = M.find_root(bufnr, opts.root_markers),
    init_options = M.init_options(opts.corpus),
    on_attach = opts.on_attach,
    capabilities = opts.capabilities,
  }
  return vim.lsp.start(config, { bufnr = bufnr })
end

local augroup

--- Configure and enable the server.
---@param opts? research_lsp.Options
function M.setup(opts)
  user_options = vim.deepcopy(opts or {})
  local options = M.options()
  if has_011 and options.use_enable ~= false then
    vim.lsp.config(M.name, M.lsp_config())
    vim.lsp.enable(M.name)
    return
  end
  augroup = vim.api.nvim_create_augroup('research_lsp', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = augroup,
    pattern = options.filetypes,
    desc = 'Start research-lsp',
    callback = function(args)
      M.start(args.buf)
    end,
  })
  -- Buffers that were already open when setup() ran.
  for _, buf in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(buf) and vim.tbl_contains(options.filetypes, vim.bo[buf].filetype) then
      M.start(buf)
    end
  end
end

--- Send a request on `client`, on every Neovim from 0.9 on (0.11 prefers method-call syntax).
---@return boolean, integer|nil
function M.request(client, method, params, handler, bufnr)
  if has_011 then
    return client:request(method, params, handler, bufnr)
  end
  return client.request(method, params, handler, bufnr)
end

--- Synchronous request; returns result, err.
function M.request_sync(client, method, params, timeout_ms, bufnr)
  local response, err
  if has_011 then
    response, err = client:request_sync(method, params, timeout_ms, bufnr)
  else
    response, err = client.request_sync(method, params, timeout_ms, bufnr)
  end
  if response == nil then
    return nil, err or 'no response'
  end
  if response.err then
    return nil, response.err.message or vim.inspect(response.err)
  end
  return response.result, nil
end

local function notify(msg, level)
  vim.notify('research_lsp: ' .. msg, level or vim.log.levels.INFO)
end

local function is_null(value)
  return value == nil or value == vim.NIL
end

--- Position params for the cursor of the current window, in the client's encoding.
local function position_params(client)
  return vim.lsp.util.make_position_params(0, client.offset_encoding or 'utf-16')
end

--- Quickfix items for a `researchLsp/sources` answer: one per excerpt, text "[@key] excerpt".
---@param result table
---@param offset_encoding string
---@return table[]
function M.sources_to_items(result, offset_encoding)
  local items = {}
  for _, source in ipairs(result.sources or {}) do
    for _, excerpt in ipairs(source.excerpts or {}) do
      local location = { uri = excerpt.uri, range = excerpt.range }
      local item = vim.lsp.util.locations_to_items({ location }, offset_encoding)[1]
      if item then
        item.text = ('[@%s] %s'):format(source.key, (excerpt.text:gsub('%s+', ' ')))
        item.user_data = { key = source.key, title = source.title }
        table.insert(items, item)
      end
    end
  end
  return items
end

--- `:ResearchSources`: the excerpts behind the entity or figure under the cursor.
--- With `use_select`, pick one with vim.ui.select and jump to it; else fill and open the quickfix list.
---@param use_select? boolean
function M.sources(use_select)
  local client = M.get_client(0)
  if not client then
    notify('no research_lsp client for this buffer', vim.log.levels.WARN)
    return
  end
  local bufnr = vim.api.nvim_get_current_buf()
  local encoding = client.offset_encoding or 'utf-16'
  M.request(client, 'researchLsp/sources', position_params(client), function(err, result)
    if err then
      notify('researchLsp/sources failed: ' .. (err.message or vim.inspect(err)), vim.log.levels.ERROR)
      return
    end
    if is_null(result) then
      notify('no known entity or figure under the cursor')
      return
    end
    local items = M.sources_to_items(result, encoding)
    if #items == 0 then
      notify(('no excerpts for %s'):format(result.name))
      return
    end
    local title = ('Sources: %s (%s)'):format(result.name, result.kind)
    if use_select then
      vim.ui.select(items, {
        prompt = title,
        format_item = function(item)
          return item.text
        end,
      }, function(choice)
        if choice then
          vim.cmd.edit(vim.fn.fnameescape(choice.filename))
          vim.api.nvim_win_set_cursor(0, { choice.lnum, math.max(choice.col - 1, 0) })
        end
      end)
      return
    end
    vim.fn.setqflist({}, ' ', { title = title, items = items })
    vim.cmd('botright copen')
  end, bufnr)
end

--- Format a `researchLsp/status` answer as lines.
---@param status table
---@return string[]
function M.format_status(status)
  local corpus = type(status.corpus) == 'table' and table.concat(status.corpus, ', ') or tostring(status.corpus)
  local lines = {
    ('research-lsp %s%s'):format(status.version or '?', status.indexing == true and ' (indexing…)' or ''),
    ('corpus: %s'):format(corpus),
    ('%s sources, %s entities, %s figures'):format(
      tostring(status.sources),
      tostring(status.entities),
      tostring(status.figures)
    ),
  }
  for _, warning in ipairs(type(status.warnings) == 'table' and status.warnings or {}) do
    table.insert(lines, 'warning: ' .. warning)
  end
  return lines
end

--- `:ResearchStatus`: print the running server's version, corpus and counts.
function M.status()
  local client = M.get_client(0)
  if not client then
    notify('no research_lsp client running', vim.log.levels.WARN)
    return
  end
  M.request(client, 'researchLsp/status', nil, function(err, result)
    if err then
      notify('researchLsp/status failed: ' .. (err.message or vim.inspect(err)), vim.log.levels.ERROR)
      return
    end
    vim.notify(table.concat(M.format_status(result), '\n'), vim.log.levels.INFO)
  end, vim.api.nvim_get_current_buf())
end

--- Switch the running servers to another corpus (sends workspace/didChangeConfiguration).
---@param corpus string[]
function M.set_corpus(corpus)
  user_options.corpus = corpus
  for _, client in ipairs(M.get_clients()) do
    local settings = { researchLsp = { corpus = corpus } }
    if has_011 then
      client:notify('workspace/didChangeConfiguration', { settings = settings })
    else
      client.notify('workspace/didChangeConfiguration', { settings = settings })
    end
  end
end

return M
