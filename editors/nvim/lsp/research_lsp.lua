-- Configuration for Neovim 0.11+'s built-in LSP client:
--
--   vim.lsp.enable('research_lsp')
--
-- Override any field with vim.lsp.config('research_lsp', { ... }), for example
--   vim.lsp.config('research_lsp', { init_options = { corpus = { 'sources/' } } })
-- or set vim.g.research_lsp = { corpus = { ... }, cmd = { ... } } before the first Markdown buffer opens.

---@type vim.lsp.Config
return require('research_lsp').lsp_config()
