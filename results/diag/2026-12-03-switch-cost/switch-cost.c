/*
 * What a context switch costs on this machine as a function of the threads that take part in
 * the switching. One token is passed from thread to thread through per-thread semaphores
 * (futexes), all threads pinned to one CPU, so every pass is one switch. On getting the token a
 * thread reads and writes its own buffer of W KiB (its working set). Two patterns:
 *   rotate N W      : all N threads take turns, round robin (each returns after N-1 others)
 *   hot N A K W     : A threads take turns; every K passes one of the other N-A threads (round
 *                     robin among them) gets the token once and goes back to sleep, as a
 *                     lock waiter woken by a grant does.
 * Prints ns per pass over the measured passes (after a warm-up of the same length).
 * Build: gcc -O2 -pthread switch-cost.c -o switch-cost
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int n, active, every, kib;
static long passes, total;
static sem_t *sems;
static volatile long count;
static volatile int stop;
static long sleeper_next;

static uint64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (uint64_t)t.tv_sec * 1000000000u + t.tv_nsec;
}

/* The next holder of the token after thread `me` (called by the holder). */
static int next_of(int me) {
  long c = count;
  if (active < n && every > 0 && c % every == 0) {
    int s = active + (int)(sleeper_next++ % (n - active));
    return s;
  }
  if (me >= active) return (int)(c % active); /* a woken sleeper hands back to the active set */
  return (me + 1) % active;
}

static void *run(void *arg) {
  int me = (int)(intptr_t)arg;
  size_t bytes = (size_t)kib * 1024;
  volatile char *buf = malloc(bytes > 0 ? bytes : 64);
  memset((char *)buf, me, bytes > 0 ? bytes : 64);
  for (;;) {
    sem_wait(&sems[me]);
    if (stop) break;
    for (size_t i = 0; i < bytes; i += 64) buf[i] = (char)(buf[i] + 1);
    count++;
    if (count >= total) {
      stop = 1;
      for (int i = 0; i < n; i++) sem_post(&sems[i]);
      break;
    }
    sem_post(&sems[next_of(me)]);
  }
  return NULL;
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: %s rotate N W | hot N A K W\n", argv[0]);
    return 2;
  }
  int hot = strcmp(argv[1], "hot") == 0;
  n = atoi(argv[2]);
  active = hot ? atoi(argv[3]) : n;
  every = hot ? atoi(argv[4]) : 0;
  kib = atoi(argv[hot ? 5 : 3]);
  passes = 50000;
  total = 2 * passes;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(0, &set);
  sched_setaffinity(0, sizeof set, &set);
  sems = calloc((size_t)n, sizeof *sems);
  pthread_t *ts = calloc((size_t)n, sizeof *ts);
  for (int i = 0; i < n; i++) sem_init(&sems[i], 0, 0);
  for (int i = 0; i < n; i++) pthread_create(&ts[i], NULL, run, (void *)(intptr_t)i);
  sem_post(&sems[0]);
  while (count < passes) { struct timespec d = {0, 1000000}; nanosleep(&d, NULL); }
  uint64_t t0 = now_ns();
  long c0 = count;
  while (!stop) { struct timespec d = {0, 1000000}; nanosleep(&d, NULL); }
  uint64_t t1 = now_ns();
  long c1 = count;
  for (int i = 0; i < n; i++) pthread_join(ts[i], NULL);
  printf("%s n=%d active=%d every=%d kib=%d ns_per_pass=%.0f\n", hot ? "hot" : "rotate", n, active, every, kib, (double)(t1 - t0) / (double)(c1 - c0));
  return 0;
}
