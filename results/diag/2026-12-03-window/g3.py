import sys, math, json; sys.path.insert(0, __import__('os').path.dirname(__file__)); from run import *
fits=[('60ms',110,'36us'),('60ms',80,'42us'),('100ms',140,'30us'),('150ms',180,'30us'),('60ms',110,'30us'),('150ms',180,'36us')]
cfgs=[{'name':f'{w} {c} {r}','walk':'155ns','cache':{'refill':'6.624us','capacity':31.52,'window':w,'shared':{'refill':r,'capacity':c}}} for w,c,r in fits]
cfgs.append({'name':'no window (shipped+walk)','walk':'155ns'})
new=[('uniform','tpc',128),('special','tpc',128),('special','tpc',512),('special','pool',512),('uniform','pool',256)]
base=[('uniform','tpc',64),('special','tpc',64)]
pts=base+new
out={}
for seed in [1,2]:
    jobs=[(ci,p) for ci in range(len(cfgs)) for p in pts]
    with ThreadPoolExecutor(2) as ex:
        res=list(ex.map(lambda a: run(cfgs[a[0]],*a[1],dur=12,warm=3,seed=seed), jobs))
    for (ci,p),r in zip(jobs,res): out[(ci,p,seed)]=r
rows={}
for ci,c in enumerate(cfgs):
    line=[]
    for p in new:
        rs=[]
        for seed in [1,2]:
            b=out[(ci,(p[0] if p[1]=='tpc' else ('uniform' if p[0]=='uniform' else 'special'),'tpc',64),seed)]['us']
            r=out[(ci,p,seed)]
            ea=r['err']/(r['tps']+r['err'])
            rs.append((r['us']/b, ea, r['sw'], r['tps']))
        line.append(rs)
    rows[c['name']]=line
    print('%-26s'%c['name'], ' | '.join('%.2f/%.2f e%.3f sw%.0f'%(rs[0][0],rs[1][0],rs[0][1],rs[0][2]) for rs in line))
json.dump({k:v for k,v in rows.items()}, open('g3.json','w'))
