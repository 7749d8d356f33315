import { z } from 'zod';
import { Duration } from './common.js';

/**
 * InnoDB's hot latches (src/server/latch.ts): which statement classes take which latch and for
 * how long, and the spin-then-sleep rule of MariaDB 10.6+ (storage/innobase/sync/srw_lock.cc),
 * with the server's own variable names and defaults.
 */
export const LatchDef = z.strictObject({
  name: z.string().min(1).describe('Latch name, as the result shows it (e.g. "lock_sys", "trx_sys", "log_sys", "buf_page").'),
  holds: z
    .record(z.string().min(1), Duration)
    .describe('Statement class name (as the report shows it: a statement name, BEGIN or COMMIT) -> CPU time the latch is held by one such statement: a duration. Classes not listed do not take it.'),
  perOpenTransaction: Duration.optional().describe('Hold time added per transaction open on the server when the latch is taken: a duration. For a read view created under the latch by copying the list of active transactions, as 5.5 does under kernel_mutex (read_view_open_now scans trx_sys->trx_list). Absent: 0.'),
});

export const Latches = z.strictObject({
  innodb_sync_spin_loops: z
    .number()
    .int()
    .min(0)
    .max(4294967295)
    .default(30)
    .describe('MariaDB manual: the number of times a thread waits for an InnoDB mutex to be freed before the thread is suspended. Checks of a held latch before sleeping; 0: sleep at once. Default 30.'),
  innodb_spin_wait_delay: z
    .number()
    .int()
    .min(0)
    .max(6000)
    .default(4)
    .describe('MariaDB manual: delay between InnoDB busy-loop checks of a latch, in units of my_cpu_relax_multiplier / 4 PAUSE instructions (srw_pause_delay). Default 4 (10.6+).'),
  cpuRelaxMultiplier: z
    .number()
    .int()
    .min(1)
    .max(100000)
    .default(200)
    .describe('mysys/my_cpu.c my_cpu_relax_multiplier: 200, or 100 on CPUs whose PAUSE takes more than 30 cycles (Skylake and later, some AMD). Default 200.'),
  pause: Duration.default('4ns').describe('tpsim setting: time of one PAUSE instruction (about 12 cycles before Skylake, 140 on Skylake): a duration. Default "4ns". One spin round is cpuRelaxMultiplier / 4 x innodb_spin_wait_delay pauses (0.8 us by default).'),
  wake: Duration.default('5us').describe('tpsim setting: CPU time a sleeping waiter spends after a release wakes it (futex wake-up and switch-in) before it checks the latch again: a duration. Default "5us".'),
  wakeup: z
    .enum(['one', 'all', 'all-in-turn'])
    .default('one')
    .describe('What a release wakes: "one" sleeper, which checks once (MariaDB 10.6+ srw_mutex, futex WAKE 1; the default), or "all" of them at once, each spinning again (5.5 to 10.5 sync0sync mutexes: os_event_set broadcasts, mutex_spin_wait goes back to its spin loop), or "all-in-turn": all of them, one after another, each when the one before has spent its wake CPU (the same broadcast under glibc up to 2.24, which requeues the waiters onto the event\'s mutex). For 5.5\'s random delay ut_delay(ut_rnd_interval(0, innodb_spin_wait_delay)) of 50 PAUSEs per unit, cpuRelaxMultiplier 100 gives its mean.'),
  waitArrayCell: Duration.optional().describe('5.5\'s wait array (sync0arr.c sync_array_reserve_cell): a thread about to sleep on any latch reserves the first free cell of one global array, scanning from cell 0 while it holds the array\'s mutex; the CPU time to pass one cell: a duration. Each sleep then costs (cell index + 1) of these, one sleeper at a time. 5.6 and later find a free cell at once; 10.6+ has no wait array. Absent: none.'),
  latches: z.array(LatchDef).min(1).max(64).describe('The latches and the statement classes that take them, in the order a statement takes them.'),
  deadlockSearch: z
    .strictObject({
      latch: z.string().min(1).describe('The latch the search runs under, by name (5.5: kernel_mutex; 5.6 to 8.0.19: lock_sys).'),
      perOpenTransaction: Duration.default('0ns').describe('CPU per transaction open on the server, before the search: 5.5\'s lock_deadlock_occurs first sets deadlock_mark = 0 on every transaction of trx_sys->trx_list (5.6 and later do not): a duration. Default "0ns".'),
      perStep: Duration.describe('CPU per lock request the search of the wait-for graph examines (lock_deadlock_recursive): a duration.'),
    })
    .optional()
    .describe('The CPU of InnoDB\'s deadlock search (innodb_deadlock_detect, always on before 5.7.15): each row-lock request that has to wait holds the named latch while it searches, for perOpenTransaction x open transactions + perStep x the requests the search examines. The search itself (who waits for whom, the victim) is the lock model\'s at any setting. Absent: the search costs nothing.'),
});

export type LatchesSpec = z.output<typeof Latches>;
