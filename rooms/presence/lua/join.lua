-- ARGV: prefix, room, aid, conn, instance, info, admitted ("1"/"0"), now, audience ("1"/"0")
-- -> the attendee's connections
local p, room, aid = ARGV[1], ARGV[2], ARGV[3]
local r = p..'r:'..room..':'
-- An instance is known (and reapable) from its first connection, before its sweeper first runs.
redis.call('ZADD', p..'instances', 'NX', ARGV[8], ARGV[5])
redis.call('HSET', r..'info', aid, ARGV[6])
if ARGV[7] == '1' then redis.call('SADD', r..'adm', aid) end
if ARGV[9] == '1' then redis.call('SADD', r..'aud', aid) else redis.call('SREM', r..'aud', aid) end
redis.call('ZREM', p..'away', room..'|'..aid)
redis.call('SADD', p..'inst:'..ARGV[5], room..'|'..aid..'|'..ARGV[4])
redis.call('EXPIRE', p..'inst:'..ARGV[5], 604800)
local n = redis.call('HINCRBY', r..'n', aid, 1)
touch(r)
return n
