-- ARGV: prefix, room, window min, per participant and max, audience window (ms), aid... -> ms to wait,
-- or 0 when done.
-- The changed attendees join the room's 'pending' set; once the room's window since its last diff
-- has passed, whichever process flushes takes them all and publishes one diff per audience. So a
-- room gets one diff per window however many processes serve it (each diff is a frame per socket).
-- A change of a listen-only member (its count) waits for the audience window.
-- The frames are encoding.py's ``diff_frame``; the message is rooms/wire.py's ``Diff`` envelope.
local p, room = ARGV[1], ARGV[2]
local r = p..'r:'..room..':'
for i = 7, #ARGV do redis.call('SADD', r..'pending', ARGV[i]) end
local aids = redis.call('SMEMBERS', r..'pending')
if #aids == 0 then return 0 end
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local size = redis.call('HLEN', r..'listed') + redis.call('SCARD', r..'counted')
local window = math.min(tonumber(ARGV[5]), math.max(tonumber(ARGV[3]), tonumber(ARGV[4]) * size))
for _, aid in ipairs(aids) do
  if redis.call('SISMEMBER', r..'aud', aid) == 1 or redis.call('SISMEMBER', r..'counted', aid) == 1 then
    window = math.max(window, tonumber(ARGV[6]))
    break
  end
end
local due = tonumber(redis.call('GET', r..'flushed') or '0') + window
if now < due then return math.floor(due - now) + 1 end
redis.call('DEL', r..'pending')
table.sort(aids)
local lists = {[1] = {{}, {}, {}}, [2] = {{}, {}, {}}}
local keys = {[1] = r..'listed', [2] = r..'plisted'}
local recounted = false
for _, aid in ipairs(aids) do
  local entry, public, counted = view(r, p..'away', room, aid)
  if counted then
    if redis.call('SADD', r..'counted', aid) == 1 then recounted = true end
  elseif redis.call('SREM', r..'counted', aid) == 1 then
    recounted = true
  end
  for v = 1, 2 do
    local visible = entry ~= nil and (v == 1 or public)
    local before = redis.call('HGET', keys[v], aid)
    if visible then
      if not before then table.insert(lists[v][1], entry)
      elseif before ~= entry then table.insert(lists[v][3], entry) end
      redis.call('HSET', keys[v], aid, entry)
    elseif before then
      table.insert(lists[v][2], before)
      redis.call('HDEL', keys[v], aid)
    end
  end
end
local audience = redis.call('SCARD', r..'counted')
local seqs, frames = {0, 0}, {'', ''}
local seqkeys = {r..'seq', r..'pseq'}
for v = 1, 2 do
  local l = lists[v]
  if #l[1] + #l[2] + #l[3] > 0 or recounted then
    seqs[v] = redis.call('INCR', seqkeys[v])
    frames[v] = '{"type":"presence.diff","seq":'..seqs[v]..',"joins":['..table.concat(l[1], ',')..
      '],"leaves":['..table.concat(l[2], ',')..'],"updates":['..table.concat(l[3], ',')..
      '],"audience":'..audience..'}'
  end
end
if seqs[1] == 0 and seqs[2] == 0 then return 0 end
redis.call('SET', r..'flushed', now)
touch(r)
redis.call('PUBLISH', p..'ch:'..room, 'diff\n'..seqs[1]..'\n'..seqs[2]..'\n'..frames[1]..'\n'..frames[2])
return 0
