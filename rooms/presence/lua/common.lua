-- Shared by every script (prepended to each when loaded): a participant's entry, built as
-- rooms/presence/encoding.py's ``participant_entry`` builds it, and the bookkeeping of a room's keys.
local MEDIA_FLAGS = {'media', 'camera', 'microphone'}

local function build(r, away, room, aid)
  local info = redis.call('HGET', r..'info', aid)
  if not info then return nil, false end
  local n = tonumber(redis.call('HGET', r..'n', aid) or '0')
  local adm = redis.call('SISMEMBER', r..'adm', aid) == 1
  local status
  if n > 0 then
    if adm then status = 'present' else status = 'waiting' end
  elseif redis.call('ZSCORE', away, room..'|'..aid) then
    status = 'away'
  else
    return nil, false
  end
  local hand = 'false'
  if redis.call('SISMEMBER', r..'hand', aid) == 1 then hand = 'true' end
  local media = ''
  for _, flag in ipairs(MEDIA_FLAGS) do
    local on = 'false'
    if redis.call('SISMEMBER', r..flag, aid) == 1 then on = 'true' end
    media = media..',"'..flag..'":'..on
  end
  local quality = redis.call('HGET', r..'quality', aid)
  if quality then media = media..',"quality":"'..quality..'"' end
  return info..',"status":"'..status..'","connections":'..n..',"hand_raised":'..hand..media..'}', adm
end
-- As build, for the lists: an admitted audience member is never listed, and counted while connected
-- -> entry or nil, visible to non-moderators, counted.
local function view(r, away, room, aid)
  local entry, adm = build(r, away, room, aid)
  if adm and redis.call('SISMEMBER', r..'aud', aid) == 1 then
    return nil, false, tonumber(redis.call('HGET', r..'n', aid) or '0') > 0
  end
  return entry, adm, false
end
-- Rooms nobody touches for a week leave nothing behind in Redis.
local function touch(r)
  for _, suffix in ipairs({'info', 'n', 'adm', 'hand', 'media', 'camera', 'microphone', 'quality', 'listed', 'plisted',
                           'seq', 'pseq', 'pending', 'flushed', 'aud', 'counted'}) do
    redis.call('EXPIRE', r..suffix, 604800)
  end
end
local function media_off(r, aid)
  for _, flag in ipairs(MEDIA_FLAGS) do redis.call('SREM', r..flag, aid) end
  redis.call('HDEL', r..'quality', aid)
end
local function gone(r, away, room, aid)
  media_off(r, aid)
  redis.call('HDEL', r..'info', aid)
  redis.call('HDEL', r..'n', aid)
  redis.call('SREM', r..'adm', aid)
  redis.call('SREM', r..'hand', aid)
  redis.call('SREM', r..'aud', aid)
  redis.call('ZREM', away, room..'|'..aid)
end
