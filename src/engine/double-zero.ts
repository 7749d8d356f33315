/**
 * The starting value of a number field that will hold fractions: a time read from the clock, a
 * time integral, a sum of latencies. V8 gives a field first written with a small integer an
 * integer representation, and the first double written to it (a clock time is a boxed double
 * even when whole) changes the object's hidden class: every optimized function that saw the old
 * class is thrown away. When that first write comes late, at the end of the warm-up, the event
 * loop and the functions it inlined are deoptimized and compiled again (measured on oltp.json:
 * Cpu.areaSince alone caused 9 of its 14 "wrong map" deoptimizations, docs/PERFORMANCE.md).
 * -0 is a double from the start; it equals 0 in every comparison, and a sum it starts is the
 * sum of its terms.
 */
export const DOUBLE_ZERO = -0;
