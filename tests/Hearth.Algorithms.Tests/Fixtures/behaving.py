"""A test algorithm whose behaviour is chosen by its arguments and by each request.

Arguments: "hold" keeps ALGOOUT open, "reopen" opens it again for every response;
"--fail-load" exits with code 4 before PIPE_INIT_COMPLETE; "--never-ready" never prints it.
Requests (text or a JSON string): "crash" exits with code 3 mid-call, "partial-crash" writes half a
response line then exits, "hang" never answers, "error" answers with an error, "log" prints to stdout
and stderr before answering, "sleep:SECONDS" waits that long before answering; anything else is echoed back.
"""
import json
import os
import sys
import time

args = sys.argv[1:]
print("loading the fixture", flush=True)
if "--fail-load" in args:
    print("cannot load weights: model.bin is missing", file=sys.stderr, flush=True)
    sys.exit(4)
if "--never-ready" in args:
    time.sleep(3600)

path = os.environ["ALGOOUT"]
held = open(path, "w", encoding="utf-8") if "hold" in args else None
print("PIPE_INIT_COMPLETE", flush=True)


def answer(response):
    line = json.dumps(response) + "\n"
    if held is not None:
        held.write(line)
        held.flush()
    else:
        with open(path, "w", encoding="utf-8") as out:
            out.write(line)


for line in sys.stdin:
    request = json.loads(line)
    data = request["data"]
    if data == "crash":
        print("about to crash", flush=True)
        os._exit(3)
    if data == "partial-crash":
        out = held or open(path, "w", encoding="utf-8")
        out.write('{"result": "half')
        out.flush()
        os._exit(5)
    if data == "hang":
        time.sleep(3600)
    if data == "error":
        answer({"error": {"message": "the input was rejected", "error_type": "InputError"}})
        continue
    if isinstance(data, str) and data.startswith("sleep:"):
        time.sleep(float(data[len("sleep:"):]))
    if data == "log":
        print("a line on stdout", flush=True)
        print("a line on stderr", file=sys.stderr, flush=True)
    answer({"result": data, "content_type": request["content_type"]})
