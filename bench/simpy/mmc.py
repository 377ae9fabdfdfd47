"""M/M/c queue on SimPy 2.3.1 (Debian python3-simpy), the peer of headroom's engine M/M/c bench.

A source process generates JOBS customers with Exp(rate LAMBDA) gaps; each customer requests
one of C servers (a SimPy Resource), holds for Exp(rate MU) and releases. Defaults c = 4,
lambda = 3, mu = 1 (VALIDATION.md item 2: Wq = 0.509434, printed as a sanity check).

`events` counts model events as bench/engine.ts mmcEvents does: arrival, service start and
departure, 3 per job. `notices` is SimPy's own count of event notices processed (activations,
resource grants and release continuations included, about 5 per job), reported so the
comparison can also be read in SimPy's accounting.

Usage: /usr/bin/python3 bench/simpy/mmc.py [JOBS=200000] [C=4] [LAMBDA=3] [MU=1] [SEED=1]
Prints one JSON line: {events, seconds, cpuSeconds, eventsPerSec, jobs, notices, meanWait}.
"""
import json
import random
import sys
import time

from SimPy.Simulation import Process, Resource, activate, hold, initialize, now, release, request, simulate
import SimPy.Globals as G

jobs = int(sys.argv[1]) if len(sys.argv) > 1 else 200000
c = int(sys.argv[2]) if len(sys.argv) > 2 else 4
lam = float(sys.argv[3]) if len(sys.argv) > 3 else 3.0
mu = float(sys.argv[4]) if len(sys.argv) > 4 else 1.0
random.seed(int(sys.argv[5]) if len(sys.argv) > 5 else 1)
expovariate = random.expovariate

total_wait = 0.0


class Customer(Process):
    def visit(self, servers):
        global total_wait
        arrived = now()
        yield request, self, servers
        total_wait += now() - arrived
        yield hold, self, expovariate(mu)
        yield release, self, servers


class Source(Process):
    def generate(self, servers):
        for i in range(jobs):
            cust = Customer(name='c')
            activate(cust, cust.visit(servers))
            if i + 1 < jobs:
                yield hold, self, expovariate(lam)


start = time.perf_counter()
cpu_start = time.process_time()
initialize()
servers = Resource(capacity=c, name='servers', unitName='server')
src = Source(name='source')
activate(src, src.generate(servers))
simulate(until=1e300)
seconds = time.perf_counter() - start
# CPU seconds of this process (user + system): what bench/peer.ts rates by, robust to other load.
cpu_seconds = time.process_time() - cpu_start
notices = -G.sim._sortpr - len(G.sim._timestamps)
events = 3 * jobs
print(json.dumps({'events': events, 'seconds': seconds, 'cpuSeconds': cpu_seconds, 'eventsPerSec': events / seconds,
                  'jobs': jobs, 'notices': notices, 'meanWait': total_wait / jobs}))
