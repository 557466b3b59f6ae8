"""An algorithm that tries to reach past its sandbox; each request names what to try, each answer says what happened.

{"probe": {...}}: reads, lists, signals and writes what the request names and reports "allowed: ..." or "refused: ...";
{"allocate": MB}: fills that much memory; {"forkbomb": true}: starts processes until the kernel refuses one;
{"call": PATH}: calls the supervisor's API at PATH with the key the instance was given and answers the status and reply;
{"connect": [HOST, PORT]}: opens a TCP connection and says whether it could.
"""
import json
import os
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request

path = os.environ["ALGOOUT"]
print("PIPE_INIT_COMPLETE", flush=True)


def attempt(action):
    try:
        return "allowed: " + repr(action())[:300]
    except OSError as e:
        return "refused: " + (e.strerror or type(e).__name__)


def read(file):
    with open(file, "rb") as f:
        return f.read(200)


def write(file):
    with open(file, "w") as f:
        return f.write("hostile")


def probe(request):
    report = {"uid": os.getuid(), "environ": dict(os.environ)}
    me = str(os.getpid())
    visible = sorted(p for p in os.listdir("/proc") if p.isdigit())
    report["processes"] = {p: attempt(lambda p=p: read(f"/proc/{p}/cmdline")) for p in visible}
    report["environs"] = {p: attempt(lambda p=p: read(f"/proc/{p}/environ")) for p in visible if p != me}
    for pid in request["pids"]:
        report[f"environ {pid}"] = attempt(lambda: read(f"/proc/{pid}/environ"))
        report[f"signal {pid}"] = attempt(lambda: os.kill(pid, signal.SIGKILL))
    for file in request["read"]:
        report[f"read {file}"] = attempt(lambda: read(file))
    for directory in request["list"]:
        report[f"list {directory}"] = attempt(lambda: os.listdir(directory))
    for file in request["write"]:
        report[f"write {file}"] = attempt(lambda: write(file))
    report["own tmp"] = attempt(lambda: write("/tmp/hostile-own"))
    return report


def forkbomb():
    children = []
    try:
        while len(children) < 10000:
            children.append(subprocess.Popen(["sleep", "60"]))
        error = "never refused"
    except OSError as e:
        error = e.strerror or type(e).__name__
    for child in children:
        child.kill()
        child.wait()
    return {"started": len(children), "error": error}


def call(path):
    request = urllib.request.Request(
        os.environ["ALGORITHMIA_API"] + path, data=b'"from inside"',
        headers={"Authorization": os.environ["ALGORITHMIA_API_KEY"], "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return {"status": response.status, "reply": json.load(response), "uid": os.getuid()}
    except urllib.error.HTTPError as e:
        body = e.read().decode("utf-8", "replace")
        try:
            reply = json.loads(body)
        except ValueError:
            reply = body
        return {"status": e.code, "reply": reply, "uid": os.getuid()}


def connect(host, port):
    try:
        with socket.create_connection((host, port), timeout=5):
            return "allowed: connected"
    except OSError as e:
        return "refused: " + (e.strerror or type(e).__name__)


for line in sys.stdin:
    data = json.loads(line)["data"]
    if "allocate" in data:
        hog = b"x" * (data["allocate"] * 1024 * 1024)
        result = {"allocated": len(hog)}
    elif "forkbomb" in data:
        result = forkbomb()
    elif "call" in data:
        result = call(data["call"])
    elif "connect" in data:
        result = connect(*data["connect"])
    else:
        result = probe(data["probe"])
    with open(path, "w", encoding="utf-8") as out:
        out.write(json.dumps({"result": result, "content_type": "json"}) + "\n")
