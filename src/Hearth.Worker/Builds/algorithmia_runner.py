"""Hearth's runner for algorithms in Algorithmia's layout (algorithmia.conf, src/NAME.py with apply).

Hearth copies this file into every such build and starts it in the build's directory. It imports
src.NAME with the build directory and the packages installed from requirements.txt on sys.path, then
serves the instance protocol: PIPE_INIT_COMPLETE on stdout, one JSON request per line on stdin, one
JSON response per line on the output pipe, in Algorithmia's form ({"result", "metadata":
{"content_type"}} or {"error": {"message", "error_type", "stacktrace"}}).

With a .adk marker in the build the module serves itself: its ADK object prints PIPE_INIT_COMPLETE
and answers on /tmp/algoout, which the instance's private /tmp holds. Where the worker runs without a
private /tmp, the pipe is elsewhere (ALGOOUT), and the module's view of /tmp/algoout is pointed at it.
"""
import base64
import builtins
import importlib
import json
import os
import sys
import traceback

ALGORITHMIA_PIPE = "/tmp/algoout"


def output_path():
    return os.environ.get("ALGOOUT") or ALGORITHMIA_PIPE


def load_module(build):
    with open(os.path.join(build, "algorithmia.conf"), encoding="utf-8") as conf:
        name = json.load(conf)["algoname"]
    return importlib.import_module("src." + name)


def decode(request):
    kind = request.get("content_type")
    if kind in ("json", "text"):
        return request.get("data")
    if kind == "binary":
        return base64.b64decode(request["data"])
    raise ValueError("unknown content_type %r; expected json, text or binary" % (kind,))


def respond(apply, request):
    try:
        result = apply(decode(request))
        if isinstance(result, (bytes, bytearray)):
            kind, result = "binary", base64.b64encode(bytes(result)).decode("ascii")
        elif isinstance(result, str):
            kind = "text"
        else:
            kind = "json"
        return json.dumps({"result": result, "metadata": {"content_type": kind}})
    except Exception as error:  # the algorithm's failure is the caller's answer, not the runner's end
        return json.dumps({
            "error": {
                "message": str(error),
                "error_type": getattr(error, "error_type", "AlgorithmError"),
                "stacktrace": traceback.format_exc(),
            }
        })


def serve(module):
    apply = getattr(module, "apply", None)
    if not callable(apply):
        sys.exit("src/%s.py has no apply(input) function" % module.__name__.split(".")[-1])
    out = open(output_path(), "w", encoding="utf-8")
    print("PIPE_INIT_COMPLETE", flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        response = respond(apply, json.loads(line))
        # What the call printed reaches stdout before its answer reaches the pipe.
        sys.stdout.flush()
        sys.stderr.flush()
        out.write(response + "\n")
        out.flush()


def point_algorithmia_pipe_at(path):
    """Makes /tmp/algoout name `path` for this process: os.path.exists and open, which the ADK uses."""
    exists, opened = os.path.exists, builtins.open

    def mapped(file):
        return path if isinstance(file, str) and file == ALGORITHMIA_PIPE else file

    os.path.exists = lambda file: exists(mapped(file))
    builtins.open = lambda file, *args, **kwargs: opened(mapped(file), *args, **kwargs)


def main():
    build = os.getcwd()
    sys.path[:0] = [build, os.path.join(build, ".hearth", "packages")]
    if os.path.exists(os.path.join(build, ".adk")):
        if output_path() != ALGORITHMIA_PIPE:
            point_algorithmia_pipe_at(output_path())
        load_module(build)
        return
    serve(load_module(build))


if __name__ == "__main__":
    main()
