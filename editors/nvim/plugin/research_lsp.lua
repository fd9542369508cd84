-- User commands for research-lsp. Starting the server is left to vim.lsp.enable('research_lsp')
-- (Neovim 0.11+) or require('research_lsp').setup().
if vim.g.loaded_research_lsp then
  return
end
vim.g.loaded_research_lsp = true

vim.api.nvim_create_user_command('ResearchSources', function(args)
  require('research_lsp').sources(args.bang)
end, {
  bang = true,
  desc = 'research-lsp: excerpts behind the entity or figure under the cursor (quickfix; ! = vim.ui.select)',
})

vim.api.nvim_create_user_command('ResearchStatus', function()
  require('research_lsp').status()
end, { desc = 'research-lsp: version, corpus and counts of the running server' })
