--[[
list-table.lua: turn list-table divs into real pandoc tables.

    ::: {.list-table header-rows="1" widths="40,25,35" aligns="l,r,r"}
    Tabell 1. Caption text.

    - - header cell
      - header cell
    - - body cell
      - body cell
    :::

The first paragraph is the caption (kept verbatim: numbering is done
upstream). Every item of the outer bullet list is a row, every item of
a row's inner bullet list is a cell holding any blocks; an empty item
is an empty cell. Attributes:
  header-rows  number of leading rows that form the table head (default 1)
  widths       relative column widths in percent, comma separated
  aligns       column alignment per column: l, c or r
  row-groups   body rows kept together on one page, as counts of consecutive
               rows ("3,3,1": two groups of three, then one row). In a group
               of several rows the last column that is empty in all but the
               group's first row becomes one cell spanning the group, which
               the PDF and Word keep on one page (a group without such a
               column stays as rows, each kept whole)
  hyphenate    columns the PDF may hyphenate, numbered from 1 ("1,7"): those too
               narrow for their widest word; elsewhere a word breaks only at a hyphen
The div's identifier and other classes/attributes move to the table.
]]

local ALIGN = { l = pandoc.AlignLeft, c = pandoc.AlignCenter, r = pandoc.AlignRight }

local where = ''  -- the table being read, for error messages

local function fail(message)
  error('list-table' .. where .. ': ' .. message, 0)
end

-- Split a comma separated attribute into trimmed items.
local function split(value)
  local items = {}
  for item in (value or ''):gmatch('[^,]+') do
    items[#items + 1] = item:match('^%s*(.-)%s*$')
  end
  return items
end

-- Turn the outer bullet list into a list of rows (lists of cell blocks).
local function read_rows(list)
  local rows = {}
  for i, item in ipairs(list.content) do
    if #item ~= 1 or item[1].t ~= 'BulletList' then
      fail('rad ' .. i .. ' är inte en punktlista med celler')
    end
    rows[i] = item[1].content
  end
  return rows
end

-- Column specs from the widths and aligns attributes.
local function colspecs(ncols, attributes)
  local widths, aligns = split(attributes.widths), split(attributes.aligns)
  if #widths > 0 and #widths ~= ncols then
    fail(#widths .. ' bredder men ' .. ncols .. ' kolumner')
  end
  if #aligns > 0 and #aligns ~= ncols then
    fail(#aligns .. ' justeringar men ' .. ncols .. ' kolumner')
  end
  local specs = {}
  for c = 1, ncols do
    local align = pandoc.AlignDefault
    if aligns[c] then
      align = ALIGN[aligns[c]] or fail('okänd justering "' .. aligns[c] .. '"')
    end
    local width = widths[c] and (tonumber(widths[c]) or fail('ogiltig bredd "' .. widths[c] .. '"')) / 100
    specs[c] = { align, width }
  end
  return specs
end

-- A pandoc Row with exactly ncols cells (short rows are padded).
local function make_row(cells, ncols, hyphenated)
  local out = {}
  for c = 1, ncols do
    out[c] = pandoc.Cell(cells[c] or {})
    if hyphenated[c] then
      out[c].attributes['hyphenate'] = 'true'  -- styrdok.lua: for the PDF only
    end
  end
  return pandoc.Row(out)
end

-- The last column whose cells are empty in rows first+1 .. last.
local function spanning_column(body, first, last)
  for c = #body[first].cells, 1, -1 do
    local empty = true
    for r = first + 1, last do
      if #body[r].cells[c].contents > 0 then empty = false; break end
    end
    if empty then return c end
  end
end

-- Join each group of rows by a cell spanning it (see row-groups above).
local function group_rows(body, attribute)
  local first = 1
  for _, item in ipairs(split(attribute)) do
    local size = math.tointeger(tonumber(item))
    if not size or size < 1 or first + size - 1 > #body then
      fail('ogiltigt row-groups "' .. attribute .. '"')
    end
    local last = first + size - 1
    local column = size > 1 and spanning_column(body, first, last)
    if column then
      body[first].cells[column].row_span = size
      for r = first + 1, last do
        table.remove(body[r].cells, column)
      end
    end
    first = last + 1
  end
  if attribute and first - 1 ~= #body then
    fail('row-groups "' .. attribute .. '" räknar ' .. (first - 1) .. ' rader men tabellen har ' .. #body)
  end
end

local function list_table(div)
  local blocks = div.content
  local caption = {}
  where = ''
  if blocks[1] and blocks[1].t == 'Para' then
    where = ' "' .. pandoc.text.sub(pandoc.utils.stringify(blocks[1]), 1, 60) .. '"'
    caption = { pandoc.Plain(blocks[1].content) }
    blocks = { table.unpack(blocks, 2) }
  end
  if #blocks ~= 1 or blocks[1].t ~= 'BulletList' then
    fail('väntade en tabellrubrik och en punktlista med rader')
  end

  local rows = read_rows(blocks[1])
  local ncols = 0
  for _, cells in ipairs(rows) do
    ncols = math.max(ncols, #cells)
  end
  local nhead = tonumber(div.attributes['header-rows'] or '1')
  if not nhead or nhead < 0 or nhead > #rows then
    fail('ogiltigt header-rows "' .. div.attributes['header-rows'] .. '"')
  end

  local hyphenated = {}
  for _, column in ipairs(split(div.attributes['hyphenate'])) do
    hyphenated[math.tointeger(tonumber(column)) or fail('ogiltigt hyphenate "' .. column .. '"')] = true
  end
  local head, body = {}, {}
  for i, cells in ipairs(rows) do
    table.insert(i <= nhead and head or body, make_row(cells, ncols, hyphenated))
  end
  group_rows(body, div.attributes['row-groups'])

  local attr = pandoc.Attr(div.identifier, div.classes, div.attributes)
  attr.classes = attr.classes:filter(function (c) return c ~= 'list-table' end)
  for _, key in ipairs({ 'header-rows', 'widths', 'aligns', 'row-groups', 'hyphenate' }) do
    attr.attributes[key] = nil
  end

  return pandoc.Table(
    pandoc.Caption(caption),
    colspecs(ncols, div.attributes),
    pandoc.TableHead(head),
    { { attr = pandoc.Attr(), body = body, head = {}, row_head_columns = 0 } },
    pandoc.TableFoot(),
    attr)
end

-- Usable on its own (pandoc --lua-filter list-table.lua) and loaded by
-- styrdok.lua, which runs it inside its own pass.
return {
  {
    Div = function (div)
      if div.classes:includes('list-table') then
        return list_table(div)
      end
    end,
  },
}
