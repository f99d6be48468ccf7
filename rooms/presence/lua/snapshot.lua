-- ARGV: prefix, room -> {seq, pseq, audience, entry1, public1 ("1"/"0"), ...}
local p, room = ARGV[1], ARGV[2]
local r = p..'r:'..room..':'
local out = {tonumber(redis.call('GET', r..'seq') or '0'), tonumber(redis.call('GET', r..'pseq') or '0'),
             redis.call('SCARD', r..'counted')}
for _, aid in ipairs(redis.call('HKEYS', r..'info')) do
  local entry, public = view(r, p..'away', room, aid)
  if entry then
    table.insert(out, entry)
    if public then table.insert(out, '1') else table.insert(out, '0') end
  end
end
return out
