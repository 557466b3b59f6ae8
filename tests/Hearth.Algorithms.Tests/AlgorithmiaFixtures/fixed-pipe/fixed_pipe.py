"""A native algorithm that answers on the fixed path /tmp/algoout, as Algorithmia's own runners did, ignoring ALGOOUT.

It works only where each instance has a private /tmp holding its own pipe; on a shared /tmp two
instances would write into one pipe. Each answer names the request it answers.
"""
import json
import sys

print("PIPE_INIT_COMPLETE", flush=True)
for line in sys.stdin:
    request = json.loads(line)
    with open("/tmp/algoout", "w") as pipe:
        pipe.write(json.dumps({"result": request["data"], "metadata": {"content_type": request["content_type"]}}) + "\n")
