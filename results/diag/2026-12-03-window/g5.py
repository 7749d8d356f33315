# (run at commit 610050a, which had cacheRefill.key; the key was reverted after this check)
# Sixth session: the cache keyed by connection (cacheRefill.key "connection") against by thread,
# with the best window setting of g2, at pool points not yet measured on this machine and at the
# pool points measured before (a check of direction, not a prediction). Ratios of CPU per attempt
# to the same key law's one-thread-per-connection 64-client point, means of seeds 1 and 2.
import sys, json; sys.path.insert(0, __import__('os').path.dirname(__file__)); from run import *
best = {'refill':'6.624us','capacity':31.52,'window':'60ms','shared':{'refill':'36us','capacity':110}}
cfgs = [{'name':'by thread (the fit)','walk':'155ns','cache':best},
        {'name':'by connection','walk':'155ns','cache':{**best,'key':'connection'}}]
new = [('uniform','pool',128),('uniform','pool',1024),('special','pool',128)]
old = [('uniform','pool',256),('special','pool',256),('special','pool',512),('special','pool',1024)]
base = [('uniform','tpc',64),('special','tpc',64)]
pts = base+new+old
out = {}
for seed in [1,2]:
    jobs=[(ci,p) for ci in range(len(cfgs)) for p in pts]
    with ThreadPoolExecutor(2) as ex:
        res=list(ex.map(lambda a: run(cfgs[a[0]],*a[1],dur=12,warm=3,seed=seed), jobs))
    for (ci,p),r in zip(jobs,res): out[(ci,p,seed)]=r
res = {}
for ci,c in enumerate(cfgs):
    for p in new+old:
        rs=[out[(ci,p,s)]['us']/out[(ci,(p[0],'tpc',64),s)]['us'] for s in [1,2]]
        tps=[out[(ci,p,s)]['tps'] for s in [1,2]]
        sw=[out[(ci,p,s)]['sw'] for s in [1,2]]
        res[f"{c['name']}|{p}"]=dict(ratio=sum(rs)/2, seeds=rs, tps=sum(tps)/2, sw=sum(sw)/2)
        print('%-20s %-26s ratio %.2f (%.2f, %.2f)  tps %.0f  switches/attempt %.1f'%(c['name'],p,sum(rs)/2,rs[0],rs[1],sum(tps)/2,sum(sw)/2))
    for p in base:
        print('%-20s %-26s µs/attempt %.0f, %.0f'%(c['name'],p,out[(ci,p,1)]['us'],out[(ci,p,2)]['us']))
json.dump(res, open('g5.json','w'), indent=1)
