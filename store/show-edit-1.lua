--[[
  Shows an edit in its original's place: a stored body gives way to a newer version of the post,
  never to an older one, and nothing is stored for a post the timelines do not hold.

  KEYS[1] the body of the post (string, JSON {tweet, phrases}), under its original's id

  ARGV[1] the edit's body, the same way
  ARGV[2] the edit's tweet id
  ARGV[3] seconds the body lives

  Returns DONE shown, UNCHANGED no body (never matched, expired, deleted) or a newer version is there
]]
local stored = redis.call("GET", KEYS[1])
if not stored then
  return UNCHANGED
end
local shown = tostring(cjson.decode(stored).tweet.id)
-- Snowflake ids grow with time: a longer decimal, or an equal length and a greater one, is newer.
local newer = #ARGV[2] > #shown or (#ARGV[2] == #shown and ARGV[2] > shown)
if not newer then
  return UNCHANGED
end
redis.call("SET", KEYS[1], ARGV[1], "EX", ARGV[3])
return DONE
