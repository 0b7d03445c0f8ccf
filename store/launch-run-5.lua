--[[
  Starts a run, ending the active one, as one step: two launches racing on two launcher workers
  cannot both think they replaced the same run.

  KEYS[1] current run pointer (string)
  KEYS[2] run index (sorted set: run id -> started_at)
  KEYS[3] the new run's hash
  KEYS[4] the hash of the run the caller saw as current (any key when there was none)
  KEYS[5] hash of the summed figures of every ended run, which a replaced run joins (see ended-runs.lib.lua)

  ARGV[1] the run id the caller saw as current ("" when none)
  ARGV[2] the new run id
  ARGV[3] now, ms since the epoch
  ARGV[4..] the new run's hash, as field, value, field, value ...

  Returns DONE started, the previous run (if any) ended as "replaced"
          UNCHANGED the current run changed since the caller read it: read again and retry
]]
local current = redis.call("GET", KEYS[1]) or ""
if current ~= ARGV[1] then
  return UNCHANGED
end
if current ~= "" and redis.call("HEXISTS", KEYS[4], "ended_at") == 0 then
  redis.call("HSET", KEYS[4], "ended_at", ARGV[3], "end_reason", "replaced")
  join_ended_runs(KEYS[5], KEYS[4], ARGV[3])
end
redis.call("HSET", KEYS[3], unpack(ARGV, 4))
redis.call("ZADD", KEYS[2], ARGV[3], ARGV[2])
redis.call("SET", KEYS[1], ARGV[2])
return DONE
