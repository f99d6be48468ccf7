-- ARGV: prefix, room -> admitted attendees with a live connection
local r = ARGV[1]..'r:'..ARGV[2]..':'
local out = {}
for _, aid in ipairs(redis.call('SMEMBERS', r..'adm')) do
  if tonumber(redis.call('HGET', r..'n', aid) or '0') > 0 then table.insert(out, aid) end
end
return out
