"""Summaries of async-profiler collapsed stacks (JMH: -prof "async:libPath=...;output=collapsed;dir=...").

    python3 bench/profile_summary.py FILE cat
        every sample to the innermost frame that decides: org.recsec.bench -> bench harness, other org.recsec ->
        ours, Californium outside its message model (core.coap, serialization, elements.util: counted for the
        caller) -> californium; the JDK is counted for whoever called it; stacks without any of these: "jdk only"
        (thread pools, sockets) or "jvm/native" (GC, JIT, kernel).
    python3 bench/profile_summary.py FILE incl KEY...
    With event=alloc the counts are allocation samples (about proportional to bytes, async-profiler's TLAB
    sampling), counted for the code that allocated.
        per KEY (a substring of a frame name): share of samples with such a frame anywhere (inclusive) and with it
        as the innermost matching KEY (exclusive), then the leaf frames.
"""
import sys,collections
f=sys.argv[1]; mode=sys.argv[2]; keys=sys.argv[3:]
stacks=[]
for line in open(f):
    line=line.rstrip('\n')
    if not line: continue
    st,_,n=line.rpartition(' ')
    frames=[x.replace('/','.') for x in st.split(';')]
    if frames and frames[-1].endswith(('_[i]', '_[k]')):
        frames=frames[:-1]  # event=alloc: the allocated class, not a frame; counted for the code that allocated it
    stacks.append((frames,int(n)))
tot=sum(n for _,n in stacks)
print('samples',tot)
if mode=='incl':
    inc=collections.Counter(); first=collections.Counter(); leaf=collections.Counter()
    for fr,n in stacks:
        for k in keys:
            if any(k in x for x in fr): inc[k]+=n
        for x in reversed(fr):
            m=[k for k in keys if k in x]
            if m: first[m[0]]+=n; break
        else: first['(none)']+=n
        leaf[fr[-1]]+=n
    print('inclusive:'); [print(f'  {100*inc[k]/tot:5.1f} %  {k}') for k in keys]
    print('exclusive (innermost key):'); [print(f'  {100*v/tot:5.1f} %  {k}') for k,v in first.most_common()]
    print('leaf:'); [print(f'  {100*v/tot:5.1f} %  {k}') for k,v in leaf.most_common(15)]
else:
    NEUTRAL=('org.eclipse.californium.core.coap.','org.eclipse.californium.core.network.serialization.','org.eclipse.californium.elements.util.')
    cat=collections.Counter(); ours=collections.Counter(); calif=collections.Counter(); other=collections.Counter()
    for fr,n in stacks:
        c='jvm/native (GC, JIT, kernel, no Java frame)'; who=None
        for x in reversed(fr):
            if x.startswith('org.recsec.bench.'): c='bench harness'; who=x; break
            if x.startswith('org.recsec.'): c='ours'; who=x; break
            if x.startswith('org.eclipse.californium.') and not x.startswith(NEUTRAL): c='californium'; who=x; break
        else:
            if any(x.startswith(('java.','jdk.','sun.')) for x in fr): c='jdk only (thread pools, sockets, no Californium/recsec frame)'
        cat[c]+=n
        if c=='ours': ours[who]+=n
        if c=='californium': calif[who]+=n
    for k,v in cat.most_common(): print(f'  {100*v/tot:5.1f} %  {k}')
    print('ours by innermost org.recsec frame:'); [print(f'  {100*v/tot:5.1f} %  {k}') for k,v in ours.most_common(25)]
    print('californium by innermost frame:'); [print(f'  {100*v/tot:5.1f} %  {k}') for k,v in calif.most_common(10)]
