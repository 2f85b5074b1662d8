import sys, load; load.setup_django()
from django.db import connection
from django.test.utils import CaptureQueriesContext
import page_cost
ctx=load.prepare(False,sessions=1)
which=sys.argv[1]
for title, paths, cookies in load.scenarios(ctx, ["王芳"]):
    if which not in title: continue
    c=page_cost._client(cookies[0])
    c.get(paths[0]); c.get(paths[0])
    with CaptureQueriesContext(connection) as q:
        c.get(paths[0])
    for x in q.captured_queries: print(x['time'], x['sql'][:400]); print()
