import json, subprocess, sys, hashlib
from concurrent.futures import ThreadPoolExecutor
import os
ROOT=os.path.abspath(os.path.join(os.path.dirname(__file__), '../../..'))
THREE='workload.transactions.0.statements.8.locks.rows=0'
# Server, µs per attempt (means of the runs in results/diag/2026-12-03-isolation)
SERVER={('uniform','tpc',64):975,('uniform','tpc',256):1957,('uniform','tpc',1024):1875,
        ('special','tpc',64):1030,('special','tpc',256):1559,('special','tpc',1024):1944,
        ('special','pool',256):1147,('special','pool',1024):2267}
def run(cfg, keys, h, n, dur=8, warm=2, seed=None):
    base = ROOT+'/scenarios/oracle/read_write.json' if h=='pool' else ROOT+'/scenarios/oracle/read_write-tpc.json'
    K = 'workload.tables.sbtestN.distribution={"kind":"uniform"}' if keys=='uniform' else 'workload.tables.sbtestN.distribution={"kind":"sysbench-special","tables":4}'
    args = ['node', ROOT+'/dist/cli/main.js', 'run', base,'--set',THREE,'--set',K,'--set',f'workload.connections={n}','--set',f'duration={dur}s','--set',f'warmup={warm}s']
    if cfg.get('cache'): args += ['--set','server.linux.cacheRefill='+json.dumps(cfg['cache'])]
    if cfg.get('walk'): args += ['--set','server.innodb.readViewWalk='+cfg['walk']]
    if seed is not None: args += ['--seed', str(seed)]
    key = hashlib.md5(json.dumps([cfg,keys,h,n,dur,warm,seed],sort_keys=True).encode()).hexdigest()
    out = f"/tmp/tpsim-window-r-{key}.json"
    args += ['--json','--out',out]
    r = subprocess.run(args, capture_output=True, text=True)
    if r.returncode != 0: raise SystemExit(r.stderr)
    j = json.load(open(out)); s=j['summary']; c=j['cpu']
    secs = dur-warm
    err = s['errors']/secs
    cr = c.get('cacheRefill',{})
    return dict(tps=s['tps'], err=err, us=c['busyCores']/(s['tps']+err)*1e6, refill=cr.get('meanRefillUs',0), sw=c.get('contextSwitchesPerSecond',0)/(s['tps']+err))
def grid(cfgs, points):
    jobs=[(ci,p) for ci in range(len(cfgs)) for p in points]
    with ThreadPoolExecutor(2) as ex:
        res=list(ex.map(lambda a: run(cfgs[a[0]],*a[1]), jobs))
    return {(ci,p):r for (ci,p),r in zip(jobs,res)}
