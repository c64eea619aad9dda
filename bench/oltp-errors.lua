-- Runs one of sysbench's bundled OLTP workloads unchanged and, in addition, counts the
-- errors sysbench ignores and retries (deadlocks 1213, lock wait timeouts 1205, 1020 by
-- default) by errno and message, so a benchmark report can say WHICH errors a server
-- returned, not only how many. The workload is named by the environment variable
-- ATOLL_BENCH_WORKLOAD (e.g. oltp_write_only); every option is the workload's own.
-- Each thread prints, when it finishes, one line per distinct error:
--   ignored-error: errno=1213 count=12 message=Deadlock found when trying to get lock; ...

local workload = os.getenv("ATOLL_BENCH_WORKLOAD")
assert(workload ~= nil and string.match(workload, "^[%w_]+$"),
       "set ATOLL_BENCH_WORKLOAD to a bundled workload name, e.g. oltp_read_write")
dofile("/usr/share/sysbench/" .. workload .. ".lua")

local ignored = {}
local workload_before_restart = sysbench.hooks.before_restart_event
local workload_thread_done = thread_done

function sysbench.hooks.before_restart_event(errdesc)
   local key = tostring(errdesc.sql_errno) .. "\t" .. tostring(errdesc.sql_errmsg)
   ignored[key] = (ignored[key] or 0) + 1
   if workload_before_restart then workload_before_restart(errdesc) end
end

function thread_done(...)
   for key, count in pairs(ignored) do
      local errno, message = string.match(key, "^([^\t]*)\t(.*)$")
      print(string.format("ignored-error: errno=%s count=%d message=%s", errno, count,
                          (string.gsub(message, "[\r\n]", " "))))
   end
   if workload_thread_done then return workload_thread_done(...) end
end
