#!/bin/bash
set -u
D=$(mktemp -d /tmp/diagdb.XXXX); S=$D/sock; P=33407
mariadb-install-db --no-defaults --user=root --datadir=$D/data --auth-root-authentication-method=normal --skip-test-db >/dev/null 2>&1
taskset -c 0 mariadbd --no-defaults --user=root --datadir=$D/data --socket=$S --port=$P --bind-address=127.0.0.1 --pid-file=$D/pid --log-error=$D/err.log --skip-log-bin --innodb-buffer-pool-size=512M --innodb-log-file-size=256M --innodb-flush-log-at-trx-commit=2 --max-connections=2000 --performance-schema=OFF --max-prepared-stmt-count=1048576 --thread-handling=one-thread-per-connection &
for i in $(seq 1 100); do mariadb --no-defaults --socket=$S -uroot -e 'select 1' >/dev/null 2>&1 && break; sleep 0.3; done
mariadb --no-defaults --socket=$S -uroot -e "CREATE USER sbtest@'127.0.0.1' IDENTIFIED BY 'sbtest'; GRANT ALL ON *.* TO sbtest@'127.0.0.1'; CREATE DATABASE sbtest;"
SB="sysbench oltp_read_write --mysql-host=127.0.0.1 --mysql-port=$P --mysql-user=sbtest --mysql-password=sbtest --tables=4 --table-size=10000"
$SB prepare >/dev/null 2>&1
taskset -c 1 $SB --threads=1024 --time=45 --report-interval=15 run > $OUT.sysbench 2>&1 &
SBPID=$!
sleep 15
PID=$(cat $D/pid)
# CPU use of the server over 5 s, from /proc (utime+stime ticks).
t0=$(awk '{print $14+$15}' /proc/$PID/stat); sleep 5; t1=$(awk '{print $14+$15}' /proc/$PID/stat); echo "server cpu over 5 s: $(( (t1-t0) )) ticks" > $OUT.cpu
timeout 60 perf record -F 999 -g -p $PID -o $OUT.perf -- sleep 6 >/dev/null 2>&1
wait $SBPID
kill $PID 2>/dev/null; sleep 2; rm -rf $D
