-- Headless test of editors/nvim against a real research-lsp. Run through tests/nvim/run.sh, which
-- sets TEST_MODE, TEST_DIR, RESEARCH_LSP_BIN and XDG_* (all inside a temporary directory).
-- Exits 0 when every check of the mode holds, else prints what failed and exits 1 (:cquit 1).

local mode = os.getenv('TEST_MODE') or 'enable'
local dir = assert(os.getenv('TEST_DIR'), 'TEST_DIR is not set')
local bin = os.getenv('RESEARCH_LSP_BIN')
local cache_home = assert(os.getenv('XDG_CACHE_HOME'), 'XDG_CACHE_HOME is not set')
local uv = vim.uv or vim.loop

local SEED_KEYS = { 'backyardReport', 'gusev2019', 'cafiero2025', 'valdai', 'moscowtimes' }
local SEED_FILES = {
  '000_dff35ea259b1bf8d.txt',
  '001_1c1cd4a807901fff.txt',
  '002_6a4b30dcf2198651.txt',
  '003_d915e0f5ed7bbfbf.txt',
  '004_6ac02d4f05cb9ba7.txt',
}
local NOTE = 'Kazakhstan joined the Eurasian Economic Union (EAEU) early.\n'
local SOURCE_TEXT = 'Kazakhstan and Uzbekistan signed a transit agreement in 2024.\n'
  .. 'Kazakhstan exported grain worth $2 billion to Uzbekistan, the ministry said.\n'

local function log(msg)
  io.stdout:write(('  [%s] %s\n'):format(mode, msg))
end

--- Raise a test failure; main() catches it, reports it and exits non-zero.
local function check(cond, msg, ...)
  if not cond then
    error({ test_failure = msg:format(...) }, 2)
  end
  return cond
end

local function write_file(path, text)
  vim.fn.mkdir(vim.fs.dirname(path), 'p')
  local f = assert(io.open(path, 'w'))
  f:write(text)
  f:close()
end

local function realpath(path)
  return uv.fs_realpath(path) or path
end

local function ends_with(s, suffix)
  return s:sub(-#suffix) == suffix
end

local function is_null(v)
  return v == nil or v == vim.NIL
end

local rl = require('research_lsp')

local get_clients = vim.lsp.get_clients or vim.lsp.get_active_clients

local function client_for(buf)
  return get_clients({ name = 'research_lsp', bufnr = buf })[1]
end

local function request(client, method, params, buf)
  local result, err = rl.request_sync(client, method, params, 20000, buf)
  check(err == nil, '%s failed: %s', method, tostring(err))
  return result
end

--- Text covered by an LSP range in a file on disk, using the client's position encoding.
local function range_text(path, range, encoding)
  local lines = vim.fn.readfile(path)
  local function byte_col(line, character)
    local text = lines[line + 1] or ''
    if vim.fn.has('nvim-0.11') == 1 then
      return vim.str_byteindex(text, encoding, character, false)
    end
    return vim.str_byteindex(text, character, encoding == 'utf-16')
  end
  local s, e = range.start, range['end']
  local parts = {}
  for line = s.line, e.line do
    local text = lines[line + 1] or ''
    local from = line == s.line and byte_col(line, s.character) or 0
    local to = line == e.line and byte_col(line, e.character) or #text
    table.insert(parts, text:sub(from + 1, to))
  end
  return table.concat(parts, '\n')
end

local function hover_markdown(result)
  check(not is_null(result), 'hover returned null')
  local contents = result.contents
  if type(contents) == 'string' then
    return contents
  elseif contents.value then
    return contents.value
  end
  local parts = {}
  for _, c in ipairs(contents) do
    table.insert(parts, type(c) == 'string' and c or c.value)
  end
  return table.concat(parts, '\n')
end

local function locations(result)
  if is_null(result) then
    return {}
  end
  if result.uri or result.targetUri then
    result = { result }
  end
  local out = {}
  for _, loc in ipairs(result) do
    table.insert(out, { uri = loc.uri or loc.targetUri, range = loc.range or loc.targetSelectionRange })
  end
  return out
end

local function params_at(buf, line, character)
  return { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = line, character = character } }
end

local function health_lines()
  vim.cmd('silent checkhealth research_lsp')
  local lines = vim.api.nvim_buf_get_lines(0, 0, -1, false)
  vim.cmd('bwipeout!')
  return lines
end

local function has_error(lines)
  for _, line in ipairs(lines) do
    if line:find('ERROR') then
      return true
    end
  end
  return false
end

-- Per-mode configuration ---------------------------------------------------------------------------

local root = dir .. '/notes'
local source_dir = dir .. '/sources'
write_file(root .. '/note.md', NOTE)
write_file(root .. '/second.md', 'Uzbekistan and Kazakhstan.\n')

local function configure()
  if mode == 'enable' then
    vim.fn.mkdir(root .. '/.git', 'p')
    vim.lsp.config('research_lsp', { cmd = { bin } })
    vim.lsp.enable('research_lsp')
  elseif mode == 'setup' then
    write_file(root .. '/.research-lsp.toml', '# notes root; no corpus key: the embedded seeds\n')
    rl.setup({ cmd = { bin } })
  elseif mode == 'autocmd' then
    vim.fn.mkdir(root .. '/.git', 'p')
    rl.setup({ cmd = { bin }, use_enable = false })
  elseif mode == 'corpus' then
    vim.fn.mkdir(root .. '/.git', 'p')
    write_file(source_dir .. '/transit.txt', SOURCE_TEXT)
    rl.setup({ cmd = { bin }, corpus = { source_dir .. '/transit.txt' } })
  elseif mode == 'missing' then
    vim.fn.mkdir(root .. '/.git', 'p')
    rl.setup({ cmd = { dir .. '/no-such-research-lsp' } })
  else
    check(false, 'unknown TEST_MODE %s', mode)
  end
end

-- The checks -----------------------------------------------------------------------------------------

local function test_missing()
  check(vim.fn.exists(':ResearchSources') == 2, ':ResearchSources is not defined')
  check(vim.fn.exists(':ResearchStatus') == 2, ':ResearchStatus is not defined')
  vim.cmd.edit(root .. '/note.md')
  vim.wait(500)
  check(#get_clients({ name = 'research_lsp' }) == 0, 'a client runs without a binary')
  local messages = {}
  local notify = vim.notify
  vim.notify = function(msg)
    table.insert(messages, msg)
  end
  vim.cmd('ResearchSources')
  vim.cmd('ResearchStatus')
  vim.notify = notify
  check(#messages == 2 and messages[1]:find('no research_lsp client'), 'commands without a client said: %s', vim.inspect(messages))
  local lines = health_lines()
  local text = table.concat(lines, '\n')
  check(has_error(lines) and text:find('not executable'), 'health did not report the missing binary:\n%s', text)
  check(text:find('no research_lsp client is running'), 'health did not say no client runs:\n%s', text)
  check(text:find('embedded seed articles'), 'health did not tell the corpus that would be used:\n%s', text)
  log('missing binary: commands warn, health reports ERROR')
end

local function wait_for_client(buf)
  local client
  local ok = vim.wait(20000, function()
    client = client_for(buf)
    return client ~= nil and (client.initialized == true or client.server_capabilities ~= nil)
  end, 50)
  check(ok, 'no research_lsp client attached to %s within 20 s (lsp log: %s)', vim.api.nvim_buf_get_name(buf), vim.lsp.get_log_path())
  return client
end

local function wait_for_index(client, buf)
  local status
  local started = uv.hrtime()
  local ok = vim.wait(120000, function()
    status = request(client, 'researchLsp/status', nil, buf)
    return type(status) == 'table' and status.indexing == false
  end, 250)
  check(ok, 'indexing did not finish within 120 s: %s', vim.inspect(status))
  log(('indexed in %.1f s: %s'):format((uv.hrtime() - started) / 1e9, table.concat(rl.format_status(status), ' | ')))
  return status
end

local function test_server()
  local progress = {}
  if vim.fn.exists('##LspProgress') == 1 then
    vim.api.nvim_create_autocmd('LspProgress', {
      callback = function(args)
        local value = args.data and args.data.params and args.data.params.value or {}
        if value.title then
          progress[value.title] = true
        end
      end,
    })
  end

  vim.cmd.edit(root .. '/note.md')
  local buf = vim.api.nvim_get_current_buf()
  check(vim.bo[buf].filetype == 'markdown', 'filetype is %q, not markdown', vim.bo[buf].filetype)
  local client = wait_for_client(buf)
  check(
    realpath(client.config.root_dir or '') == realpath(root),
    'root_dir is %s, expected %s',
    tostring(client.config.root_dir),
    root
  )
  local encoding = client.offset_encoding or 'utf-16'
  log(('client %d attached, root %s, encoding %s'):format(client.id, client.config.root_dir, encoding))

  -- Status and indexing.
  local status = wait_for_index(client, buf)
  check(type(status.version) == 'string' and status.version ~= '', 'status.version missing: %s', vim.inspect(status))
  check(type(status.corpus) == 'table' and #status.corpus > 0, 'status.corpus missing: %s', vim.inspect(status))
  if mode == 'corpus' then
    check(status.sources == 1, 'expected 1 source from init_options.corpus, status says %s', vim.inspect(status))
    check(
      vim.iter and vim.iter(status.corpus):any(function(p)
        return realpath(p) == realpath(source_dir .. '/transit.txt')
      end) or true,
      'status.corpus does not name the configured file: %s',
      vim.inspect(status.corpus)
    )
  else
    check(status.sources == 5, 'expected the 5 seed sources, status says %s', vim.inspect(status))
  end
  check(type(status.entities) == 'number' and status.entities > 0, 'no entities indexed: %s', vim.inspect(status))
  log('progress titles seen: ' .. vim.inspect(vim.tbl_keys(progress)))

  -- Hover on "Kazakhstan".
  local hover = hover_markdown(request(client, 'textDocument/hover', params_at(buf, 0, 3), buf))
  check(hover:find('Kazakhstan', 1, true), 'hover does not name Kazakhstan:\n%s', hover)
  if mode ~= 'corpus' then
    local key_found
    for _, key in ipairs(SEED_KEYS) do
      if hover:find(key, 1, true) then
        key_found = key
        break
      end
    end
    check(key_found, 'hover names no seed citation key:\n%s', hover)
    log('hover on Kazakhstan cites ' .. key_found)

    -- Hover on the acronym resolves to the organisation.
    local eaeu = NOTE:find('EAEU', 1, true) - 1
    local hover_eaeu = hover_markdown(request(client, 'textDocument/hover', params_at(buf, 0, eaeu + 1), buf))
    check(hover_eaeu:find('Eurasian Economic Union', 1, true), 'hover on EAEU does not name the union:\n%s', hover_eaeu)
  end

  -- Definition on "Kazakhstan": a location in a source file whose range covers the name.
  local locs = locations(request(client, 'textDocument/definition', params_at(buf, 0, 3), buf))
  check(#locs > 0, 'definition on Kazakhstan returned no location')
  local good
  for _, loc in ipairs(locs) do
    check(loc.uri:sub(1, 7) == 'file://', 'definition uri is not a file:// uri: %s', loc.uri)
    local path = vim.uri_to_fname(loc.uri)
    local in_corpus
    if mode == 'corpus' then
      in_corpus = realpath(path) == realpath(source_dir .. '/transit.txt')
    else
      for _, name in ipairs(SEED_FILES) do
        in_corpus = in_corpus or ends_with(path, '/' .. name)
      end
      if in_corpus then
        check(
          realpath(path):sub(1, #realpath(cache_home)) == realpath(cache_home),
          'seed file %s is not under XDG_CACHE_HOME=%s',
          path,
          cache_home
        )
      end
    end
    check(vim.fn.filereadable(path) == 1, 'definition points at a file that does not exist: %s', path)
    if in_corpus and range_text(path, loc.range, encoding):find('Kazakhstan', 1, true) then
      good = good or loc
    end
  end
  check(good, 'no definition location in a corpus file whose range contains Kazakhstan: %s', vim.inspect(locs))
  log(('definition: %d locations, first good %s:%d'):format(#locs, vim.fs.basename(vim.uri_to_fname(good.uri)), good.range.start.line + 1))

  -- researchLsp/sources directly: an answer on the entity, null on a plain word.
  local sources = request(client, 'researchLsp/sources', params_at(buf, 0, 3), buf)
  check(not is_null(sources) and type(sources.sources) == 'table' and #sources.sources > 0, 'researchLsp/sources on Kazakhstan: %s', vim.inspect(sources))
  check(type(sources.name) == 'string' and type(sources.kind) == 'string', 'researchLsp/sources lacks name/kind: %s', vim.inspect(sources))
  local joined = NOTE:find('joined', 1, true) - 1
  local none = request(client, 'researchLsp/sources', params_at(buf, 0, joined + 2), buf)
  check(is_null(none), 'researchLsp/sources on "joined" should be null, got %s', vim.inspect(none))

  -- :ResearchSources fills and opens the quickfix list.
  vim.fn.setqflist({}, 'r')
  vim.api.nvim_win_set_cursor(0, { 1, 3 })
  vim.cmd('ResearchSources')
  local qf
  check(vim.wait(10000, function()
    qf = vim.fn.getqflist()
    return #qf > 0
  end, 50), ':ResearchSources left the quickfix list empty')
  for _, item in ipairs(qf) do
    check(item.text:match('^%[@[^%]]+%] .+'), 'quickfix text is not "[@key] excerpt": %q', item.text)
    check(item.lnum > 0 and item.bufnr > 0, 'quickfix item without position: %s', vim.inspect(item))
  end
  check(vim.fn.getqflist({ winid = 0 }).winid ~= 0, ':ResearchSources did not open the quickfix window')
  log(('quickfix: %d excerpts, first %q'):format(#qf, qf[1].text:sub(1, 60)))
  vim.cmd('cclose')
  vim.cmd.buffer(buf)

  -- :ResearchStatus prints the counts.
  local messages = {}
  local notify = vim.notify
  vim.notify = function(msg)
    table.insert(messages, msg)
  end
  vim.cmd('ResearchStatus')
  vim.wait(10000, function()
    return #messages > 0
  end, 50)
  vim.notify = notify
  check(#messages > 0 and messages[1]:find('sources,', 1, true), ':ResearchStatus printed %s', vim.inspect(messages))

  -- A second note under the same root shares the client.
  vim.cmd.edit(root .. '/second.md')
  local buf2 = vim.api.nvim_get_current_buf()
  local second = wait_for_client(buf2)
  check(second.id == client.id, 'second note got client %d, not %d', second.id, client.id)
  check(#get_clients({ name = 'research_lsp' }) == 1, 'more than one research_lsp client runs')
  vim.cmd.buffer(buf)

  -- :checkhealth research_lsp has no ERROR and shows the running server's counts.
  local lines = health_lines()
  local text = table.concat(lines, '\n')
  check(not has_error(lines), ':checkhealth research_lsp reports an ERROR:\n%s', text)
  check(text:find('sources, ', 1, true) and text:find('--version', 1, true), ':checkhealth research_lsp lacks status or version:\n%s', text)
  log(':checkhealth research_lsp: no ERROR')

  if mode == 'corpus' then
    -- set_corpus() reloads through workspace/didChangeConfiguration: a directory of two sources.
    write_file(source_dir .. '/other.txt', 'Uzbekistan borders Kazakhstan.\n')
    rl.set_corpus({ source_dir })
    local reloaded
    local ok = vim.wait(60000, function()
      reloaded = request(client, 'researchLsp/status', nil, buf)
      return reloaded.indexing == false and reloaded.sources == 2
    end, 250)
    check(ok, 'after set_corpus({dir}) the status is %s', vim.inspect(reloaded))
    log('set_corpus reloaded: ' .. table.concat(rl.format_status(reloaded), ' | '))
  end
end

local function tail_of_lsp_log()
  local path = vim.lsp.get_log_path()
  if vim.fn.filereadable(path) == 0 then
    return ''
  end
  local lines = vim.fn.readfile(path)
  return table.concat(vim.list_slice(lines, math.max(#lines - 20, 1)), '\n')
end

local function main()
  vim.lsp.set_log_level('warn')
  check(mode == 'missing' or (bin and vim.fn.executable(bin) == 1), 'RESEARCH_LSP_BIN is not executable: %s', tostring(bin))
  configure()
  if mode == 'missing' then
    test_missing()
  else
    test_server()
  end
end

local ok, err = xpcall(main, function(e)
  if type(e) == 'table' and e.test_failure then
    return e.test_failure
  end
  return debug.traceback(tostring(e), 2)
end)
if ok then
  vim.cmd('qall!')
else
  io.stderr:write(('FAIL [%s]: %s\n'):format(mode, err))
  local log_tail = tail_of_lsp_log()
  if log_tail ~= '' then
    io.stderr:write('--- end of ' .. vim.lsp.get_log_path() .. ':\n' .. log_tail .. '\n')
  end
  vim.cmd('cquit 1')
end
