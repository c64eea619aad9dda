-- A ledger load for sysbench (bench/ledger.lua), run against Atoll and MariaDB alike.
--
-- Table ledger_acct(id INT PRIMARY KEY, bal DECIMAL(20,2) NOT NULL), every account opened
-- with the same balance. Each event moves a random amount between two random accounts:
--   BEGIN; SELECT id, bal FROM ledger_acct WHERE id IN (a, b) FOR UPDATE;
--   (overdraft: ROLLBACK) else UPDATE a; UPDATE b; COMMIT
-- Deadlocks and lock wait timeouts (1213, 1205, 1020: sysbench's --mysql-ignore-errors
-- default) roll the transaction back and retry the event; sysbench counts them as
-- "ignored errors". Money is neither made nor lost, so `verify` must find the opening total.
--
-- Commands: prepare, run, verify, cleanup. Each thread prints, when it finishes,
--   ledger: thread=N transfers=X overdrafts=Y retries=Z
--   ignored-error: errno=1213 count=C message=…   (one line per kind of retried error)
-- and verify prints
--   ledger: verify accounts=N total=T min=M expected_total=E

sysbench.cmdline.options = {
   accounts = {"Number of accounts", 10000},
   opening_balance = {"Opening balance of every account, in whole units", 1000},
   max_amount_cents = {"Largest transfer, in cents", 50000},
   lock_style = {"'in': one SELECT ... WHERE id IN (a, b) FOR UPDATE; 'pair': SELECT a then SELECT b, each FOR UPDATE (deadlocks happen)", "in"},
}

local function connect()
   local drv = sysbench.sql.driver()
   return drv:connect()
end

function cmd_prepare()
   local con = connect()
   local n = sysbench.opt.accounts
   con:query("DROP TABLE IF EXISTS ledger_acct")
   con:query("CREATE TABLE ledger_acct(id INT PRIMARY KEY, bal DECIMAL(20,2) NOT NULL)")
   local batch = 500
   local first = 1
   while first <= n do
      local values = {}
      for id = first, math.min(first + batch - 1, n) do
         values[#values + 1] = string.format("(%d, %d.00)", id, sysbench.opt.opening_balance)
      end
      con:query("INSERT INTO ledger_acct(id, bal) VALUES " .. table.concat(values, ", "))
      first = first + batch
   end
   print(string.format("ledger: prepared accounts=%d", n))
   con:disconnect()
end

function cmd_verify()
   local con = connect()
   local rs = con:query("SELECT COUNT(*), SUM(bal), MIN(bal) FROM ledger_acct")
   local row = rs:fetch_row()
   print(string.format("ledger: verify accounts=%s total=%s min=%s expected_accounts=%d expected_total=%d.00",
                       tostring(row[1]), tostring(row[2]), tostring(row[3]),
                       sysbench.opt.accounts, sysbench.opt.accounts * sysbench.opt.opening_balance))
   con:disconnect()
end

function cmd_cleanup()
   local con = connect()
   con:query("DROP TABLE IF EXISTS ledger_acct")
   con:disconnect()
end

sysbench.cmdline.commands = {
   prepare = {cmd_prepare},
   verify = {cmd_verify},
   cleanup = {cmd_cleanup},
}

function thread_init()
   con = connect()
   transfers, overdrafts, retries = 0, 0, 0
   ignored = {}
end

function thread_done()
   print(string.format("ledger: thread=%d transfers=%d overdrafts=%d retries=%d",
                       sysbench.tid, transfers, overdrafts, retries))
   for key, count in pairs(ignored) do
      local errno, message = string.match(key, "^([^\t]*)\t(.*)$")
      print(string.format("ignored-error: errno=%s count=%d message=%s", errno, count,
                          (string.gsub(message, "[\r\n]", " "))))
   end
   con:disconnect()
end

-- "123.45" (or "123.4", "-5", "7.00") → cents as an integer, exactly.
local function to_cents(text)
   local sign, whole, frac = string.match(text, "^(-?)(%d+)%.?(%d*)$")
   assert(whole ~= nil, "not a decimal: " .. tostring(text))
   frac = string.sub(frac .. "00", 1, 2)
   local cents = tonumber(whole) * 100 + tonumber(frac)
   if sign == "-" then cents = -cents end
   return cents
end

local function read_locked(sql, a, from_cents, seen)
   local rs = con:query(sql)
   for _ = 1, rs.nrows do
      local row = rs:fetch_row()
      seen = seen + 1
      if tonumber(row[1]) == a then from_cents = to_cents(row[2]) end
   end
   return from_cents, seen
end

-- Locks both accounts; returns the balance of `a` in cents (nil if missing) and the rows seen.
function lock_accounts(a, b)
   local select = "SELECT id, bal FROM ledger_acct WHERE id %s FOR UPDATE"
   if sysbench.opt.lock_style == "pair" then
      local from_cents, seen = read_locked(string.format(select, "= " .. a), a, nil, 0)
      return read_locked(string.format(select, "= " .. b), a, from_cents, seen)
   end
   return read_locked(string.format(select, string.format("IN (%d, %d)", a, b)), a, nil, 0)
end

local function transfer()
   local n = sysbench.opt.accounts
   local a = sysbench.rand.uniform(1, n)
   local b = sysbench.rand.uniform(1, n - 1)
   if b >= a then b = b + 1 end
   local cents = sysbench.rand.uniform(1, sysbench.opt.max_amount_cents)
   local amount = string.format("%d.%02d", math.floor(cents / 100), cents % 100)
   con:query("BEGIN")
   local from_cents, seen = lock_accounts(a, b)
   if seen ~= 2 or from_cents == nil then
      con:query("ROLLBACK")
      error(string.format("ledger: accounts %d and %d: SELECT ... FOR UPDATE returned %d rows, expected 2", a, b, seen))
   end
   if from_cents < cents then
      con:query("ROLLBACK")
      overdrafts = overdrafts + 1
      return
   end
   con:query(string.format("UPDATE ledger_acct SET bal = bal - %s WHERE id = %d", amount, a))
   con:query(string.format("UPDATE ledger_acct SET bal = bal + %s WHERE id = %d", amount, b))
   con:query("COMMIT")
   transfers = transfers + 1
end

function event()
   local ok, err = pcall(transfer)
   if ok then return end
   if type(err) == "table" and err.errcode == sysbench.error.RESTART_EVENT then
      -- A deadlock or lock wait timeout: make sure the transaction is gone, then let
      -- sysbench run the event again.
      retries = retries + 1
      local key = tostring(err.sql_errno) .. "\t" .. tostring(err.sql_errmsg)
      ignored[key] = (ignored[key] or 0) + 1
      pcall(function() con:query("ROLLBACK") end)
   end
   error(err, 0)
end
