-- ARGV: prefix, room, aid, conn, instance, now, grace -> 1 when the attendee changed, else 0
local p, room, aid = ARGV[1], ARGV[2], ARGV[3]
local r = p..'r:'..room..':'
if redis.call('SREM', p..'inst:'..ARGV[5], room..'|'..aid..'|'..ARGV[4]) == 0 then return 0 end
if not redis.call('HGET', r..'info', aid) then
  redis.call('HDEL', r..'n', aid)
  return 0
end
local n = redis.call('HINCRBY', r..'n', aid, -1)
if n <= 0 then
  if tonumber(ARGV[7]) > 0 then
    redis.call('HDEL', r..'n', aid)
    media_off(r, aid)
    redis.call('ZADD', p..'away', ARGV[6], room..'|'..aid)
  else
    gone(r, p..'away', room, aid)
  end
end
return 1
