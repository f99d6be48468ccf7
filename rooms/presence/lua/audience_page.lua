-- ARGV: prefix, room, offset, limit -> {audience size, entry...}: the counted audience members by id,
-- from offset, at most limit of them.
local p, room = ARGV[1], ARGV[2]
local r = p..'r:'..room..':'
local members = redis.call('SMEMBERS', r..'counted')
table.sort(members)
local out = {#members}
local first = tonumber(ARGV[3]) + 1
for i = first, math.min(#members, first + tonumber(ARGV[4]) - 1) do
  local entry = build(r, p..'away', room, members[i])
  if entry then table.insert(out, entry) end
end
return out
