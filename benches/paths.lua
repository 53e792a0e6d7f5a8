-- wrk script: GET a random path of the file named by $PATHS (one path per line).
local paths = {}
for line in io.lines(os.getenv("PATHS")) do paths[#paths + 1] = line end
math.randomseed(tonumber(os.getenv("SEED") or "1"))
request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end
