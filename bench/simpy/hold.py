"""Hold model on SimPy 2.3.1 (Debian python3-simpy), the peer of headroom's engine hold bench.

PENDING processes each hold for Exp(mean 1) and hold again, until EVENTS holds have completed
(each completed hold is one event, as in bench/engine.ts engineHold). Prints one JSON line:
{events, seconds, cpuSeconds, eventsPerSec, notices, pending}. `notices` is SimPy's own count of event
notices processed (here equal to `events`, up to the PENDING initial activations).

Usage: /usr/bin/python3 bench/simpy/hold.py [PENDING=10000] [EVENTS=1000000] [SEED=1]
"""
import json
import random
import sys
import time

from SimPy.Simulation import Process, activate, hold, initialize, simulate, stopSimulation
import SimPy.Globals as G

pending = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
events = int(sys.argv[2]) if len(sys.argv) > 2 else 1000000
random.seed(int(sys.argv[3]) if len(sys.argv) > 3 else 1)

left = events
expovariate = random.expovariate


class Holder(Process):
    def life(self):
        global left
        while True:
            yield hold, self, expovariate(1.0)
            left -= 1
            if left <= 0:
                stopSimulation()


start = time.perf_counter()
cpu_start = time.process_time()
initialize()
for i in range(pending):
    h = Holder(name='h')
    # The first hold starts at time 0 like the engine's initial schedule; its completion counts.
    activate(h, h.life())
simulate(until=1e300)
seconds = time.perf_counter() - start
# CPU seconds of this process (user + system): what bench/peer.ts rates by, robust to other load.
cpu_seconds = time.process_time() - cpu_start
notices = -G.sim._sortpr - len(G.sim._timestamps)
done = events - left
print(json.dumps({'events': done, 'seconds': seconds, 'cpuSeconds': cpu_seconds, 'eventsPerSec': done / seconds,
                  'notices': notices, 'pending': pending}))
