"""Per run: server cores busy over the timed window, tps and errors/s from sysbench's 5 s lines in
the same window (20-35 s), CPU per attempt and per committed transaction. Usage: python3 summarize.py FILE_PREFIX..."""
import re, sys

def summary(prefix):
    c = open(prefix + '.cpu').read()
    ticks = int(re.search(r': (\d+)', c).group(1))
    m = re.search(r'over ([\d.]+)', c)
    secs = float(m.group(1)) if m else 20.0
    lines = [l for l in open(prefix + '.sysbench') if l.startswith('[')]
    win = [l for l in lines if int(re.match(r'\[ *(\d+)s', l).group(1)) in (20, 25, 30, 35)]
    tps = sum(float(re.search(r'tps: ([\d.]+)', l).group(1)) for l in win) / len(win)
    err = sum(float(re.search(r'err/s: ([\d.]+)', l).group(1)) for l in win) / len(win)
    cores = ticks / 100 / secs
    return dict(run=prefix, timed=bool(m), cores=cores, tps=tps, err=err, per_attempt=cores / (tps + err) * 1e6, per_committed=cores / tps * 1e6)

if __name__ == '__main__':
    for p in sys.argv[1:]:
        s = summary(p)
        print('%-24s %s cores %.3f tps %7.1f err/s %6.1f  us/attempt %5.0f  us/committed %5.0f' % (s['run'], 'timed' if s['timed'] else '20s? ', s['cores'], s['tps'], s['err'], s['per_attempt'], s['per_committed']))
