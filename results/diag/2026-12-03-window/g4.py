import sys, json; sys.path.insert(0, __import__('os').path.dirname(__file__)); from run import *
# The six best settings of g2 (and none) on the uniform-key curve, one thread per connection.
fits=[('60ms',110,'36us'),('60ms',80,'42us'),('100ms',140,'30us'),('150ms',180,'30us'),('60ms',110,'30us'),('150ms',180,'36us')]
cfgs=[{'name':f'{w} {c} {r}','walk':'155ns','cache':{'refill':'6.624us','capacity':31.52,'window':w,'shared':{'refill':r,'capacity':c}}} for w,c,r in fits]
cfgs.append({'name':'no window (shipped+walk)','walk':'155ns'})
pts=[('uniform','tpc',n) for n in (64,96,128,192,256)]
jobs=[(ci,p) for ci in range(len(cfgs)) for p in pts]
with ThreadPoolExecutor(2) as ex:
    res=list(ex.map(lambda a: run(cfgs[a[0]],*a[1],dur=12,warm=3,seed=1), jobs))
out={(ci,p):r for (ci,p),r in zip(jobs,res)}
print('%-26s'%'setting', ' '.join('%6d'%p[2] for p in pts[1:]))
for ci,c in enumerate(cfgs):
    b=out[(ci,pts[0])]['us']
    print('%-26s'%c['name'], ' '.join('%6.2f'%(out[(ci,p)]['us']/b) for p in pts[1:]))
