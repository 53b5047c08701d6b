--[[
sanitize.lua: belt and braces for styrdok's text policy (styrdok/markup.py).

Content reaches the Markdown escaped, so it cannot write attributes, spans,
divs, raw code, math or images. This pass removes them all the same, before
any other filter runs, and keeps only what styrdok's templates write:

  * list-table divs with their widths, aligns, header-rows, row-groups and hyphenate attributes, the
    "unnumbered" class on headings, and the change report's tracked-change
    spans (insertion or deletion, with author and date). Every other attribute
    goes, and every other span and div is replaced by its content;
  * no raw elements; math and citations become their plain text;
  * links only to https:, http:, mailto: or inside the document (#), else
    their text;
  * images only by a relative path inside the build directory, where styrdok
    writes its charts (never an absolute path, a URL or a way up with ".."),
    else their alternative text;
  * metadata only under the keys templates/_metadata.md.j2 writes.
]]

local TEMPLATE_META = {
  title = true, subtitle = true, date = true, lang = true, organisation = true,
  administration = true, committee = true, diarienummer = true, handlaggare = true,
  doctype = true, provenance = true, ['provenance-details'] = true,
  ['document-type'] = true, ['document-owner'] = true, letterhead = true,
}
local LIST_TABLE_ATTRIBUTES = { widths = true, aligns = true, ['header-rows'] = true, ['row-groups'] = true,
                                hyphenate = true }
local TRACKED_CHANGES = { insertion = true, deletion = true }

local function safe_target(target)
  local lower = target:lower()
  return lower:match('^https?://') or lower:match('^mailto:') or target:match('^#')
end

local function own_image(src)
  if src == '' or src:match('^[/~]') or src:match('^%a[%w+.-]*:') or src:find('\\', 1, true) then
    return false
  end
  for part in src:gmatch('[^/]+') do
    if part == '..' then return false end
  end
  return true
end

local function keep_only(attr, classes, attributes)
  local kept = pandoc.Attr()
  for _, class in ipairs(attr.classes) do
    if classes[class] then kept.classes:insert(class) end
  end
  for key, value in pairs(attr.attributes) do
    if attributes[key] then kept.attributes[key] = value end
  end
  return kept
end

local NONE = {}

local function text_of(element)
  return pandoc.Str(element.text)
end

local function strip(element)
  element.attr = pandoc.Attr()
  return element
end

local function strip_table(tbl)
  tbl.attr = pandoc.Attr()
  local function rows(list)
    for _, row in ipairs(list) do
      row.attr = pandoc.Attr()
      for _, cell in ipairs(row.cells) do cell.attr = pandoc.Attr() end
    end
  end
  rows(tbl.head.rows)
  for _, body in ipairs(tbl.bodies) do rows(body.head); rows(body.body) end
  rows(tbl.foot.rows)
  return tbl
end

return {
  traverse = 'topdown',
  Meta = function (meta)
    for key in pairs(meta) do
      if not TEMPLATE_META[key] then meta[key] = nil end
    end
    return meta
  end,
  Div = function (div)
    if div.classes:includes('list-table') then
      div.attr = keep_only(div.attr, { ['list-table'] = true }, LIST_TABLE_ATTRIBUTES)
      return div
    end
    return div.content
  end,
  Span = function (span)
    local kept = keep_only(span.attr, TRACKED_CHANGES, { author = true, date = true })
    if #kept.classes ~= 1 then return span.content end
    span.attr = kept
    return span
  end,
  Header = function (header)
    header.attr = pandoc.Attr(header.identifier, keep_only(header.attr, { unnumbered = true }, NONE).classes)
    return header
  end,
  Link = function (link)
    if not safe_target(link.target) then return link.content end
    link.attr, link.title = pandoc.Attr(), ''
    return link
  end,
  Image = function (image)
    if not own_image(image.src) then return image.caption end
    image.attr = keep_only(image.attr, NONE, { width = true, height = true })
    return image
  end,
  RawInline = function () return {} end,
  RawBlock = function () return {} end,
  Code = strip,
  CodeBlock = strip,
  Math = text_of,
  Cite = function (cite) return cite.content end,
  Figure = function (figure) return figure.content end,
  Table = strip_table,
}
