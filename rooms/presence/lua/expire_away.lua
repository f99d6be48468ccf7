-- ARGV: prefix, cutoff -> {room|aid, ...} whose grace ran out
local p = ARGV[1]
local out = {}
for _, member in ipairs(redis.call('ZRANGEBYSCORE', p..'away', '-inf', ARGV[2], 'LIMIT', 0, 1000)) do
  if redis.call('ZREM', p..'away', member) == 1 then
    local room, aid = string.match(member, '^([^|]+)|(.+)$')
    local r = p..'r:'..room..':'
    if tonumber(redis.call('HGET', r..'n', aid) or '0') <= 0 then
      gone(r, p..'away', room, aid)
      table.insert(out, member)
    end
  end
end
return out
