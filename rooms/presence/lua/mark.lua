-- ARGV: prefix, room, aid, mode ("admit" | "raise" | "lower" | "drop" | "media" | "quality" | "listen" | "speak"),
-- then for "media" "1"/"0" for each of MEDIA_FLAGS, for "quality" the level -> non-zero when something changed
local p, room, aid, mode = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local r = p..'r:'..room..':'
if not redis.call('HGET', r..'info', aid) then return 0 end
if mode == 'admit' then return redis.call('SADD', r..'adm', aid) end
if mode == 'raise' then return redis.call('SADD', r..'hand', aid) end
if mode == 'lower' then return redis.call('SREM', r..'hand', aid) end
if mode == 'speak' then return redis.call('SREM', r..'aud', aid) end
if mode == 'listen' then
  if redis.call('SADD', r..'aud', aid) == 0 then return 0 end
  redis.call('SREM', r..'hand', aid)
  media_off(r, aid)
  return 1
end
if mode == 'media' then
  if tonumber(redis.call('HGET', r..'n', aid) or '0') <= 0 then return 0 end
  local changed = 0
  for i, flag in ipairs(MEDIA_FLAGS) do
    if ARGV[4 + i] == '1' then changed = changed + redis.call('SADD', r..flag, aid)
    else changed = changed + redis.call('SREM', r..flag, aid) end
  end
  if redis.call('SISMEMBER', r..'media', aid) == 0 then changed = changed + redis.call('HDEL', r..'quality', aid) end
  return changed
end
if mode == 'quality' then
  if tonumber(redis.call('HGET', r..'n', aid) or '0') <= 0 then return 0 end
  if redis.call('HGET', r..'quality', aid) == ARGV[5] then return 0 end
  redis.call('HSET', r..'quality', aid, ARGV[5])
  return 1
end
gone(r, p..'away', room, aid)
return 1
