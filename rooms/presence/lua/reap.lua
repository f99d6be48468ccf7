-- ARGV: prefix, instance -> {room|aid, ...} of the reaped instance's connections (once, by one sweeper)
local p, inst = ARGV[1], ARGV[2]
if redis.call('ZREM', p..'instances', inst) == 0 then return {} end
local out = {}
for _, member in ipairs(redis.call('SMEMBERS', p..'inst:'..inst)) do
  local room, aid = string.match(member, '^([^|]+)|([^|]+)|')
  local r = p..'r:'..room..':'
  if redis.call('HGET', r..'info', aid) then
    local n = redis.call('HINCRBY', r..'n', aid, -1)
    if n <= 0 then gone(r, p..'away', room, aid) end
  end
  table.insert(out, room..'|'..aid)
end
redis.call('DEL', p..'inst:'..inst)
return out
