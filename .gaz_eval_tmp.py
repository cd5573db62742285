import json, glob, time, logging
from pathlib import Path
from extractors import extract
from extractors.model import Paragraph, Table
t=time.time()
from pipeline.normalise.gazetteer import default_gazetteer
g=default_gazetteer(); print('build', time.time()-t, len(g.municipality_index.keys), len(g.region_index.keys))
ok=tot=0
for tf in sorted(glob.glob('/work/shared/corpus/*/*.truth.json')):
    src=Path(tf[:-len('.truth.json')])
    d=json.load(open(tf))['document']
    try:
        doc=extract(src)
    except Exception as e:
        print('ERR', src.name, type(e).__name__); continue
    parts=[]
    for b in doc.blocks:
        if isinstance(b, Paragraph): parts.append(b.text)
        elif isinstance(b, Table): parts.extend(c.text for c in b.cells)
    text='\n'.join(parts)
    m=g.find_municipality(text); r=g.find_region(text, 2000)
    mm=(m.name, m.region) if m else (None,None)
    good = mm[0]==d['municipality'] and (m.region if m else None)==d['region']
    tot+=1; ok+=good
    if not good: print(src.name, d['municipality'], d['region'], '->', mm, r, m)
print(ok, tot)
