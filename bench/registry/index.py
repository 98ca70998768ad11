#!/usr/bin/env python3
# bench/registry/index.py BIN DB PORT: the worklist, the monthly audit report and the
# case lists at N generated cases (default 2000; env N), with the case index and
# without it (SQLite: the index is dropped with the sqlite3 command afterwards).
# Prints wall time and the server's CPU time per request (the requests are serial,
# so the server's CPU time is the worker's). SKIP_CREATE=1 reuses an existing DB.
#   make build/spinemets && python3 bench/registry/index.py build/spinemets sqlite:/tmp/b.db 18431
import http.client, json, time, random, subprocess, sys, os
BIN, DB, PORT = sys.argv[1], sys.argv[2], int(sys.argv[3])
def cli(*a, inp=None):
    return subprocess.run([BIN]+list(a)+["--db", DB], input=inp, capture_output=True, text=True)
cli("site","add","north","North")
cli("user","add","cl","--role","clinician","--site","north","--password-stdin", inp="kettle-staple-mango-7\n")
cli("user","add","re","--role","researcher","--password-stdin", inp="kettle-staple-mango-7\n")
tok = cli("user","token","cl").stdout.strip()
rtok = cli("user","token","re").stdout.strip()
srv = subprocess.Popen([BIN,"serve","--listen",f"127.0.0.1:{PORT}","--db",DB,"--quiet","--threads","2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
import socket
for _ in range(300):
    try:
        socket.create_connection(("127.0.0.1", PORT), timeout=1).close(); break
    except OSError: time.sleep(0.1)
c = http.client.HTTPConnection("127.0.0.1", PORT)
def cpu_ms():
    f=open("/proc/%d/stat"%srv.pid).read().rsplit(")",1)[1].split()
    return (int(f[11])+int(f[12]))*1000.0/os.sysconf("SC_CLK_TCK")
def req(m, p, body=None, t=tok):
    h={"Authorization":"Bearer "+t}
    if body is not None: h["Content-Type"]="application/json"
    c.request(m, p, body=json.dumps(body) if body is not None else None, headers=h)
    r=c.getresponse(); d=r.read(); return r.status, d
random.seed(7)
now=int(time.time())
N=int(os.environ.get("N","2000"))
if os.environ.get("SKIP_CREATE") != "1":
  for i in range(N):
    t0 = now - random.randint(0, 400*86400)
    evs=[{"type":"presentation","at":time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t0))}]
    if random.random()<0.6: evs.append({"type":"mri_done","at":time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t0+random.randint(1,60)*3600))})
    if random.random()<0.3: evs.append({"type":"discharge","at":time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t0+random.randint(60,400)*3600))})
    kind=random.random()
    doc={"schema":"spinemets/case/1","patient":{"age_years":random.randint(20,85),"sex":"female"},"events":evs}
    if kind<0.3: doc["symptoms"]={"limb_weakness":True}; doc["cancer"]={"history":"known","primary":"breast"}
    elif kind<0.6: doc["symptoms"]={"pain_thoracic_or_cervical":True}; doc["cancer"]={"history":"known","primary":"lung_nsclc"}
    st,d=req("POST","/api/v1/cases",{"document":doc,"identifiers":{"name":"P %d"%i}})
    assert st==201,(st,d[:200])
month=time.strftime("%Y-%m", time.gmtime(now-40*86400))
def timeit(label, path, t):
    best=[]; cpu=[]
    for k in range(7):
        c0=cpu_ms(); a=time.perf_counter(); st,d=req("GET",path,t=t); b=time.perf_counter(); c1=cpu_ms(); assert st==200,(st,d[:200]); best.append((b-a)*1000); cpu.append(c1-c0)
    j=json.loads(d)
    print("%-48s wall median %.1f ms max %.1f | server CPU median %.0f ms max %.0f  (scanned %s, rows %s)"%(label+" "+path, sorted(best)[3], max(best), sorted(cpu)[3], max(cpu), j.get("cases_scanned"), j.get("cases") if isinstance(j.get("cases"),int) else len(j.get("cases",[]))))
timeit("indexed","/api/v1/worklist",tok)
timeit("indexed","/api/v1/worklist?hours=720",tok)
timeit("indexed","/api/v1/audit/report?month="+month,tok)
timeit("indexed","/api/v1/audit/report?month="+month,rtok)
timeit("indexed","/api/v1/cases?limit=50",rtok)
timeit("indexed","/api/v1/cases?limit=50",tok)
if DB.startswith("sqlite:"):
    subprocess.run(["sqlite3", DB[7:], "UPDATE cases SET ix_valid = 0"])
    timeit("no index","/api/v1/worklist",tok)
    timeit("no index","/api/v1/audit/report?month="+month,tok)
srv.terminate(); srv.wait()
