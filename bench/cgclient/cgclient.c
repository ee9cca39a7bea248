/* Callgrind client requests for the benchmark worker, loaded with ctypes.
 *
 * The worker measures many loops in one process (every variant loaded side by side, so they
 * see the same allocator state). Between loops it zeroes callgrind's counters and dumps them
 * under a label; the harness reads one dump per loop. The requests are no-ops outside
 * valgrind, so the same worker also runs natively (wall-time and smoke modes). */
#include <valgrind/callgrind.h>

void cg_start(void) { CALLGRIND_START_INSTRUMENTATION; }

void cg_zero(void) { CALLGRIND_ZERO_STATS; }

void cg_dump(const char *label) { CALLGRIND_DUMP_STATS_AT(label); }

int cg_running(void) { return RUNNING_ON_VALGRIND; }
