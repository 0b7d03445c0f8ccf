--[[
  Updates fields of a run that exists, and only then: a worker that writes a run's progress after
  Redis lost its data must not recreate a partial record of it.

  KEYS[1] the run's hash

  ARGV[1] "set" (HSET each field to its value) or "incr" (HINCRBY each field by its value)
  ARGV[2..] field, value, field, value ...

  Returns DONE updated, RUN_MISSING no such run (nothing written)
]]
if redis.call("EXISTS", KEYS[1]) == 0 then
  return RUN_MISSING
end
for index = 2, #ARGV, 2 do
  if ARGV[1] == "incr" then
    redis.call("HINCRBY", KEYS[1], ARGV[index], ARGV[index + 1])
  else
    redis.call("HSET", KEYS[1], ARGV[index], ARGV[index + 1])
  end
end
return DONE
