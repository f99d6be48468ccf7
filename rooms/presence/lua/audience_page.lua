-- ARGV: prefix, room, offset, limit, query -> {audience size, matches, entry...}: the counted audience
-- members by id whose name holds the query (ASCII lowered; every member without one), from offset,
-- at most limit of them. As store.py's ``name_matches``: the name is read from the encoded info.
local p, room, query = ARGV[1], ARGV[2], ARGV[5] or ''
local r = p..'r:'..room..':'
local members = redis.call('SMEMBERS', r..'counted')
local size = #members
table.sort(members)
if query ~= '' then
  local found = {}
  for first = 1, #members, 500 do  -- read the entries 500 at a time: one call each, within unpack's limit
    local last = math.min(#members, first + 499)
    local infos = redis.call('HMGET', r..'info', unpack(members, first, last))
    for i = first, last do
      local info = infos[i - first + 1]
      local name = info and string.match(info, '"name":"(.-)","role":')
      if name and string.find(string.lower(name), query, 1, true) then table.insert(found, members[i]) end
    end
  end
  members = found
end
local out = {size, #members}
local first = tonumber(ARGV[3]) + 1
for i = first, math.min(#members, first + tonumber(ARGV[4]) - 1) do
  local entry = build(r, p..'away', room, members[i])
  if entry then table.insert(out, entry) end
end
return out
