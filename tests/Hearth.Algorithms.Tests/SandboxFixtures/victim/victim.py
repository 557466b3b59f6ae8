"""The other account's instance: keeps a file in its /tmp and answers every call with who it is."""
import json
import os
import sys

with open("/tmp/victim-secret", "w") as f:
    f.write("the victim's secret")
path = os.environ["ALGOOUT"]
print("PIPE_INIT_COMPLETE", flush=True)
with open(path, "w", encoding="utf-8") as out:
    for line in sys.stdin:
        request = json.loads(line)
        answer = {"echo": request["data"], "uid": os.getuid(), "secret": open("/tmp/victim-secret").read()}
        out.write(json.dumps({"result": answer, "content_type": "json"}) + "\n")
        out.flush()
