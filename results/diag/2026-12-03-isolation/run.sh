#!/bin/bash
# One oltp_read_write point on a fresh MariaDB, one thread per connection, at an isolation level:
# the server's CPU (utime+stime ticks, 100/s) between 15 s and 35 s of the run, sysbench's 5 s
# interval lines, and InnoDB's history list length at 35 s.
# Usage: THREADS=1024 ISO=READ-COMMITTED [RAND=uniform] [DLR=off] [HANDLING=pool] [PERF=1] [IDLE=192] OUT=name ./run.sh
set -u
D=$(mktemp -d /tmp/isodb.XXXX); S=$D/sock; P=33408
mariadb-install-db --no-defaults --user=root --datadir=$D/data --auth-root-authentication-method=normal --skip-test-db >/dev/null 2>&1
taskset -c 0 mariadbd --no-defaults --user=root --datadir=$D/data --socket=$S --port=$P --bind-address=127.0.0.1 --pid-file=$D/pid --log-error=$D/err.log --skip-log-bin --innodb-buffer-pool-size=512M --innodb-log-file-size=256M --innodb-flush-log-at-trx-commit=2 --max-connections=2000 --performance-schema=OFF --max-prepared-stmt-count=1048576 $( [ "${HANDLING:-tpc}" = pool ] && echo "--thread-handling=pool-of-threads --thread-pool-size=1 --thread-pool-max-threads=65536" || echo "--thread-handling=one-thread-per-connection" ) --transaction-isolation=$ISO --innodb-deadlock-report=${DLR:-full} &
for i in $(seq 1 100); do mariadb --no-defaults --socket=$S -uroot -e 'select 1' >/dev/null 2>&1 && break; sleep 0.3; done
mariadb --no-defaults --socket=$S -uroot -e "CREATE USER sbtest@'127.0.0.1' IDENTIFIED BY 'sbtest'; GRANT ALL ON *.* TO sbtest@'127.0.0.1'; CREATE DATABASE sbtest;"
SB="sysbench oltp_read_write --rand-type=${RAND:-special} --mysql-host=127.0.0.1 --mysql-port=$P --mysql-user=sbtest --mysql-password=sbtest --tables=4 --table-size=10000"
$SB prepare >/dev/null 2>&1
PID=$(cat $D/pid)
# IDLE=N: N connections that connect and send nothing (a server thread each, blocked in its read).
for i in $(seq 1 ${IDLE:-0}); do (sleep 75 | taskset -c 1 mariadb --no-defaults --socket=$S -uroot >/dev/null 2>&1 &); done
[ "${IDLE:-0}" -gt 0 ] && sleep 3 && mariadb --no-defaults --socket=$S -uroot -N -e "SHOW GLOBAL STATUS LIKE 'Threads_connected'" > $OUT.connected
taskset -c 1 $SB --threads=$THREADS --time=40 --report-interval=5 run > $OUT.sysbench 2>&1 &
SBPID=$!
sleep 15
if [ -n "${PERF:-}" ]; then
  # A profile instead of the CPU window: 10 s of timer samples of the server, its report by object
  # and by symbol (mariadbd has no symbols but its exported ones; the kernel's and libc's are named).
  taskset -c 1 perf record -F 999 -p $PID -o $OUT.perf.data -- sleep 10 >/dev/null 2>&1
  perf report -i $OUT.perf.data --stdio --sort dso 2>/dev/null | grep -v "^#" | grep -v "^$" | head -12 > $OUT.perf-dso
  perf report -i $OUT.perf.data --stdio --sort dso,sym 2>/dev/null | grep -v "^#" | grep -v "^$" | head -60 > $OUT.perf-sym
  rm -f $OUT.perf.data
  wait $SBPID; kill $PID 2>/dev/null; sleep 3; rm -rf $D; exit 0
fi
ST="SHOW GLOBAL STATUS WHERE Variable_name IN ('Innodb_deadlocks','Innodb_row_lock_waits','Innodb_row_lock_time','Com_commit','Com_rollback')"
cs() { cat /proc/$PID/task/*/status 2>/dev/null | awk '/ctxt_switches/{s+=$2} END{print s}'; }
c0=$(cs)
t0=$(awk '{print $14+$15}' /proc/$PID/stat); s0=$(date +%s.%N)
taskset -c 1 mariadb --no-defaults --socket=$S -uroot -N -e "$ST" > $OUT.status0 2>&1 &
sleep 10
taskset -c 1 mariadb --no-defaults --socket=$S -uroot -N -e "SELECT IFNULL(t.trx_state,'no trx'), IF(p.state='' OR p.state IS NULL,'-',p.state), COUNT(*) FROM information_schema.processlist p LEFT JOIN information_schema.innodb_trx t ON t.trx_mysql_thread_id=p.id WHERE p.user='sbtest' GROUP BY 1,2 ORDER BY 3 DESC" > $OUT.states 2>&1 &
sleep 10
t1=$(awk '{print $14+$15}' /proc/$PID/stat); s1=$(date +%s.%N)
c1=$(cs); echo "server context switches (all threads) 15-35 s: $((c1-c0))" > $OUT.switches
taskset -c 1 mariadb --no-defaults --socket=$S -uroot -N -e "$ST" > $OUT.status1 2>&1
echo "server cpu ticks 15-35 s: $((t1-t0)) over $(echo "$s1 - $s0" | bc) s" > $OUT.cpu
mariadb --no-defaults --socket=$S -uroot -e "SELECT @@tx_isolation; SHOW ENGINE INNODB STATUS\G" 2>&1 | grep -E "isolation|READ|History list" > $OUT.innodb
wait $SBPID
kill $PID 2>/dev/null; sleep 3; rm -rf $D
