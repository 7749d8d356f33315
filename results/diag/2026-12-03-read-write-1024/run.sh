#!/bin/bash
set -u
D=$(mktemp -d /tmp/diagdb.XXXX); S=$D/sock; P=33407
mariadb-install-db --no-defaults --user=root --datadir=$D/data --auth-root-authentication-method=normal --skip-test-db >/dev/null 2>&1
taskset -c 0 mariadbd --no-defaults --user=root --datadir=$D/data --socket=$S --port=$P --bind-address=127.0.0.1 --pid-file=$D/pid --log-error=$D/err.log --skip-log-bin --innodb-buffer-pool-size=512M --innodb-log-file-size=256M --innodb-flush-log-at-trx-commit=2 --max-connections=2000 --performance-schema=OFF --max-prepared-stmt-count=1048576 --thread-handling=${HANDLING} --thread-pool-size=1 --thread-pool-max-threads=65536 &
for i in $(seq 1 100); do mariadb --no-defaults --socket=$S -uroot -e 'select 1' >/dev/null 2>&1 && break; sleep 0.3; done
mariadb --no-defaults --socket=$S -uroot -e "CREATE USER sbtest@'127.0.0.1' IDENTIFIED BY 'sbtest'; GRANT ALL ON *.* TO sbtest@'127.0.0.1'; CREATE DATABASE sbtest;"
SB="sysbench oltp_read_write --mysql-host=127.0.0.1 --mysql-port=$P --mysql-user=sbtest --mysql-password=sbtest --tables=4 --table-size=10000"
$SB prepare >/dev/null 2>&1
taskset -c 1 $SB --threads=$THREADS --time=40 --report-interval=10 run > $OUT.sysbench 2>&1 &
SBPID=$!
sleep 12
Q="SELECT IFNULL(t.trx_state,'no trx') st, p.command cmd, IF(p.state='' OR p.state IS NULL,'-',p.state) pst, COUNT(*) n FROM information_schema.processlist p LEFT JOIN information_schema.innodb_trx t ON t.trx_mysql_thread_id=p.id WHERE p.user='sbtest' GROUP BY 1,2,3 ORDER BY 4 DESC;"
Q2="SELECT IFNULL(bp.command,'?') blocker_cmd, COUNT(DISTINCT w.blocking_trx_id) blockers, COUNT(*) waits FROM information_schema.innodb_lock_waits w JOIN information_schema.innodb_trx bt ON bt.trx_id=w.blocking_trx_id LEFT JOIN information_schema.processlist bp ON bp.id=bt.trx_mysql_thread_id GROUP BY 1;"
for k in 1 2 3 4 5; do echo "== sample $k $(date +%T)"; taskset -c 1 mariadb --no-defaults --socket=$S -uroot -t -e "$Q $Q2" 2>&1; sleep 3; done > $OUT.samples
wait $SBPID
kill $(cat $D/pid) 2>/dev/null; sleep 2; rm -rf $D
