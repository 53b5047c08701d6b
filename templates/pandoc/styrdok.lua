--[[
styrdok.lua: the rules of each output format, run once per format on the
JSON document that read.lua's pass made (styrdok/export.py).

docx only:
  * diarienummer and provenance always exist as document properties.
typst only:
  * images are written as raw typst with their alt text (pandoc 3.9's typst
    writer drops it, which breaks PDF/UA); an image alone in a paragraph
    becomes a centred block.
  * a paragraph starting with "1." keeps its text (no typst list).
  * table header rows are shaded (styrdok-head-fill in styrdok.typ) and bold;
    body rows that surely fit on a page never split.
  * metadata keywords are dropped (pandoc writes them unquoted).
all formats:
  * every image must have alt text and an existing file (the format's own:
    a chart is SVG for PDF and HTML, PNG for Word).
  * an appendix starts a new page, and a short lead-in line stays with the
    block after it; in HTML a table scrolls in a region of its own.
]]

local stringify = pandoc.utils.stringify
local is_typst = FORMAT == 'typst'

local function fail(message)
  error(message, 0)
end

local function format_meta(meta)
  if is_typst then
    meta.keywords = nil
  end
  if FORMAT == 'docx' then
    -- The running header and footer read these as DOCPROPERTY fields, which
    -- show an error text in Word when the property does not exist.
    for _, key in ipairs({ 'diarienummer', 'provenance' }) do
      meta[key] = meta[key] or pandoc.MetaString('')
    end
  end
  return meta
end

local function check_image(image)
  local alt = stringify(image.caption)
  if alt == '' then
    fail('Bilden "' .. image.src .. '" saknar alternativtext.')
  end
  if not image.src:match('^%a[%w+.-]*:') then
    local file = io.open(image.src, 'rb')
    if not file then
      fail('Bilden "' .. image.src .. '" finns inte.')
    end
    file:close()
  end
end

-- A typst string literal.
local function typst_string(s)
  return '"' .. s:gsub('\\', '\\\\'):gsub('"', '\\"') .. '"'
end

-- Typst call image("src", alt: "...", width: ...) for a pandoc Image.
local function typst_image(image)
  local args = { typst_string(image.src), 'alt: ' .. typst_string(stringify(image.caption)) }
  for _, key in ipairs({ 'width', 'height' }) do
    local value = image.attributes[key]
    if value and (value:match('^%d+%.?%d*%%$') or value:match('^%d+%.?%d*[cm]m$')
        or value:match('^%d+%.?%d*in$') or value:match('^%d+%.?%d*pt$')) then
      args[#args + 1] = key .. ': ' .. value
    end
  end
  return 'image(' .. table.concat(args, ', ') .. ')'
end

-- An image alone in a paragraph becomes a centred block. A paragraph that
-- starts with "1." inside a table cell or caption would turn into a typst
-- list (pandoc escapes it only at line starts), so the dot is escaped.
local function typst_para(para)
  local first = para.content[1]
  if #para.content == 1 and first.t == 'Image' then
    check_image(first)
    return pandoc.RawBlock('typst', '#align(center, ' .. typst_image(first) .. ')')
  end
  if first and first.t == 'Str' and first.text:match('^%d+%.$') then
    para.content[1] = pandoc.RawInline('typst', first.text:sub(1, -2) .. '\\.')
    return para
  end
end

local function inline_image(image)
  check_image(image)
  if is_typst then
    return pandoc.RawInline('typst', '#box(' .. typst_image(image) .. ')')
  end
end

-- A row whose every cell holds at most this many characters fits on a page
-- even in a narrow column, so it can be kept whole; a longer one may split
-- (typst would otherwise cut off what does not fit).
local UNBREAKABLE_CELL = 1000

local function keep_short_rows(tbl)
  for _, body in ipairs(tbl.bodies) do
    for _, row in ipairs(body.body) do
      local longest = 0
      for _, cell in ipairs(row.cells) do
        longest = math.max(longest, pandoc.text.len(stringify(cell.contents)))
      end
      if longest <= UNBREAKABLE_CELL then
        for _, cell in ipairs(row.cells) do cell.attributes['typst:breakable'] = 'false' end
      end
    end
  end
end

-- Shaded, bold header rows; the fill function lives in styrdok.typ. Short
-- body rows never split across pages.
local function style_head(tbl)
  tbl.attributes['typst:fill'] = 'styrdok-head-fill(' .. #tbl.head.rows .. ')'
  for _, row in ipairs(tbl.head.rows) do
    for _, cell in ipairs(row.cells) do
      cell.attributes['typst:text:weight'] = '"bold"'
    end
  end
  keep_short_rows(tbl)
  return tbl
end

-- The columns list-table.lua marked may hyphenate in the PDF (typst's
-- attribute); the other formats drop the mark.
local function hyphenated_columns(tbl)
  local function mark(rows)
    for _, row in ipairs(rows) do
      for _, cell in ipairs(row.cells) do
        if cell.attributes['hyphenate'] then
          cell.attributes['hyphenate'] = nil
          if is_typst then cell.attributes['typst:text:hyphenate'] = 'true' end
        end
      end
    end
  end
  mark(tbl.head.rows)
  for _, body in ipairs(tbl.bodies) do mark(body.head); mark(body.body) end
  mark(tbl.foot.rows)
  return tbl
end

local function table_rules(tbl)
  hyphenated_columns(tbl)
  return is_typst and style_head(tbl) or tbl
end

-- Page breaks and, in HTML, scrolling tables (a pass of its own, after the
-- styling pass, over every list of blocks). A short paragraph right after a heading ("Berörda: ...", "Status:
-- ...") is a lead-in that, like the heading, stays with the block after it;
-- an appendix (a first-level heading "Bilaga ...") starts a new page.
local LEAD_IN_LENGTH = 120

local function is_appendix(header)
  return header.level == 1 and stringify(header):match('^Bilaga ') ~= nil
end

local APPENDIX_BREAK = {
  typst = '#styrdok-appendix',
  -- An empty paragraph of no height that starts the page.
  openxml = '<w:p><w:pPr><w:pageBreakBefore/><w:spacing w:before="0" w:after="0" w:line="20" w:lineRule="exact"/></w:pPr></w:p>',
}

-- HTML: a table scrolls sideways inside a region of its own, named by its
-- caption (a table without one by the heading above it), that the keyboard can
-- reach; the page itself reflows to 320 px.
local function scrolling(tbl, heading)
  local name = stringify(tbl.caption.long)
  if name == '' then name = heading ~= '' and heading or 'Tabell' end
  -- A list of pairs, not a Lua table: the attributes keep their order from run to run.
  local attributes = { { 'role', 'region' }, { 'tabindex', '0' }, { 'aria-label', name } }
  return pandoc.Div({ tbl }, pandoc.Attr('', { 'table-scroll' }, attributes))
end

local function page_breaks(blocks)
  local out, after_heading, heading = pandoc.Blocks({}), false, ''
  local raw_format = is_typst and 'typst' or (FORMAT == 'docx' and 'openxml') or nil
  for _, block in ipairs(blocks) do
    if block.t == 'Header' then
      if is_appendix(block) then
        if raw_format then
          out:insert(pandoc.RawBlock(raw_format, APPENDIX_BREAK[raw_format]))
        else
          block.classes:insert('appendix')
        end
      end
      out:insert(block)
      after_heading, heading = true, stringify(block)
    elseif after_heading and block.t == 'Para' and pandoc.text.len(stringify(block)) <= LEAD_IN_LENGTH then
      if is_typst then
        out:extend({ pandoc.RawBlock('typst', '#block(sticky: true)['), block, pandoc.RawBlock('typst', ']') })
      elseif FORMAT == 'docx' then
        out:insert(pandoc.Div({ block }, pandoc.Attr('', {}, { ['custom-style'] = 'Lead In' })))
      else
        out:insert(block)
      end
    elseif block.t == 'Table' and FORMAT:match('html') then
      out:insert(scrolling(block, heading))
      after_heading = false
    else
      out:insert(block)
      after_heading = false
    end
  end
  return out
end

-- One top-down pass: a paragraph is seen before the image inside it; then
-- the page breaks, over every list of blocks.
return {
  {
    traverse = 'topdown',
    Meta = format_meta,
    Para = is_typst and typst_para or nil,
    Plain = is_typst and typst_para or nil,
    Table = table_rules,
    Image = inline_image,
  },
  { Blocks = page_breaks },
}
