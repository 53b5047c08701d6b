--[[
read.lua: the rules every output format shares, applied once per document
while pandoc reads styrdok's Markdown into its JSON form (styrdok/export.py).
styrdok.lua then runs once per output format on that JSON.

First, in a pass of its own, sanitize.lua removes everything styrdok's
templates do not write (attributes, spans, raw code, unsafe links, images,
unknown metadata). Then, in one top-down pass:
  * list-table divs become tables (list-table.lua).
  * metadata is checked (a title is required, doctype is plan or memo) and
    flags are derived for the templates: is-plan / is-memo, toc for plans,
    lang-primary ("sv" from "sv-SE") and committee-lower (for "till ...").
  * heading levels start at 1 and never skip a level (PDF/UA).
  * quotation marks become Swedish ones (”…” and ’…’).
]]

local stringify = pandoc.utils.stringify

local here = pandoc.path.directory(PANDOC_SCRIPT_FILE)
local list_table_div = dofile(pandoc.path.join({ here, 'list-table.lua' }))[1].Div
local sanitize = dofile(pandoc.path.join({ here, 'sanitize.lua' }))

local function fail(message)
  error(message, 0)
end

local function check_meta(meta)
  if stringify(meta.title or '') == '' then
    fail('Dokumentet saknar titel (metadatafältet "title").')
  end
  local doctype = stringify(meta.doctype or 'plan')
  if doctype ~= 'plan' and doctype ~= 'memo' then
    fail('Okänd dokumenttyp "' .. doctype .. '" (ska vara plan eller memo).')
  end
  meta['is-' .. doctype] = true
  if doctype == 'plan' then
    meta.toc = true
    meta['toc-title'] = 'Innehåll'
  end
  meta['lang-primary'] = stringify(meta.lang or 'sv'):match('^%a+')
  if meta.committee then
    meta['committee-lower'] = pandoc.text.lower(stringify(meta.committee))
  end
  return meta
end

-- Headings start at level 1 and never skip a level (PDF/UA requires it;
-- the same rule holds for every format so that all outputs agree).
local previous_level = 0

local function check_heading_level(header)
  if header.level > previous_level + 1 then
    fail('Rubriken "' .. stringify(header) .. '" har nivå ' .. header.level ..
      ' men föregående rubrik har nivå ' .. previous_level ..
      '; rubriknivåer får inte hoppas över (första rubriken ska ha nivå 1).')
  end
  previous_level = header.level
end

local QUOTE = { DoubleQuote = '”', SingleQuote = '’' }

local function swedish_quotes(quoted)
  local mark = pandoc.Str(QUOTE[quoted.quotetype])
  local out = pandoc.Inlines({ mark })
  out:extend(quoted.content:walk({ Quoted = swedish_quotes }))  -- nested quotes
  out:insert(mark)
  return out
end

-- Elements are visited in document order (needed for the heading check).
return {
  sanitize,
  {
    traverse = 'topdown',
    Meta = check_meta,
    Div = list_table_div,
    Header = check_heading_level,
    Quoted = swedish_quotes,
  },
}
