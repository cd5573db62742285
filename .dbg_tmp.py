import sys, time
sys.path.insert(0,'scripts'); sys.path.insert(0,'bench')
import numpy as np
from rapidfuzz import fuzz, process
from threshold_curve import read_labels, DEFAULT_LABELS
import bench_normalise as b
from pipeline.normalise.match import Normaliser, prepared
labels=read_labels(DEFAULT_LABELS)
n=Normaliser(overrides=None, threshold=0)
names=b.make_names(10000,7)
keys=list(dict.fromkeys(prepared(x) for x in names))
def trunc(k, L): return " ".join(w[:L] for w in k.split())
for L in [99, 8, 6, 5, 4]:
    ch=[trunc(c,L) for c in n.choices]; ks=[trunc(k,L) for k in keys]
    t=time.process_time(); a=process.cdist(ks, ch, scorer=fuzz.token_set_ratio, workers=1, dtype=np.float32); b2=process.cdist(ks, ch, scorer=fuzz.token_sort_ratio, workers=1, dtype=np.float32); dt=time.process_time()-t
    # curve on labels
    lk=[trunc(prepared(x),L) for x,_ in labels]
    m=(process.cdist(lk, ch, scorer=fuzz.token_set_ratio)+process.cdist(lk, ch, scorer=fuzz.token_sort_ratio))/2
    red=np.maximum.reduceat(m, n.starts, axis=1)
    best=None
    for thr in range(60,96):
        tp=fp=fn=0
        for (raw,gold),row in zip(labels,red):
            i=int(row.argmax()); pred=n.catalog.indicators[i].name if row[i]>=thr else None
            if pred and pred==gold: tp+=1
            elif pred: fp+=1
            if gold and pred!=gold: fn+=1
        p=tp/(tp+fp) if tp+fp else 1; r=tp/(tp+fn); f=2*p*r/(p+r) if p+r else 0
        if best is None or f>best[0]: best=(f,thr,p,r)
    print(L, f"{dt:.2f}s cpu for {len(keys)} keys", "bestF1 %.3f thr %d P %.3f R %.3f"%best, np.mean([len(k) for k in ks]))
