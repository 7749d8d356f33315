import sys, math; sys.path.insert(0, __import__('os').path.dirname(__file__)); from run import *
pts=[('uniform','tpc',64),('uniform','tpc',256),('uniform','tpc',1024),('special','tpc',64),('special','tpc',256),('special','pool',256)]
tgt={('uniform','tpc',256):2.01,('uniform','tpc',1024):1.92,('special','tpc',256):1.51,('special','pool',256):1.11}
cfgs=[]
for w in ['30ms','60ms','100ms','150ms']:
  for c2 in [80,110,140,180]:
    for r2 in ['30us','36us','42us']:
      cfgs.append({'name':f'{w} {c2} {r2}','walk':'155ns','cache':{'refill':'6.624us','capacity':31.52,'window':w,'shared':{'refill':r2,'capacity':c2}}})
res=grid(cfgs,pts)
rows=[]
for ci,c in enumerate(cfgs):
    base={k:res[(ci,(k,'tpc',64))]['us'] for k in ['uniform','special']}
    rat={p:res[(ci,p)]['us']/base[p[0]] for p in pts}
    loss=sum(math.log(rat[p]/t)**2 for p,t in tgt.items())
    rows.append((loss,c['name'],[rat[p] for p in tgt],base))
rows.sort()
for l,n,r,b in rows[:15]: print('%.4f %-18s'%(l,n),' '.join('%.2f'%x for x in r), 'us64 %.0f %.0f'%(b['uniform'],b['special']))
