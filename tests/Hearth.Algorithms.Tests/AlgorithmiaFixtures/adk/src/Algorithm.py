"""Behaves as an algorithm built on Algorithmia's ADK, which tests cannot install: the module serves itself.

Like the ADK it picks pipe mode when /tmp/algoout exists, prints PIPE_INIT_COMPLETE (here inside a log
prefix), reads one request per stdin line and writes each answer in Algorithmia's form to /tmp/algoout,
opening it anew every time. Its apply: text is upper-cased, JSON comes back wrapped, bytes reversed,
"error" raises.
"""
import base64
import json
import os
import sys
import traceback

PIPE = "/tmp/algoout"


def apply(input):
    if isinstance(input, bytes):
        return bytes(reversed(input))
    if input == "error":
        raise ValueError("adk algorithm refused the input")
    if isinstance(input, str):
        return input.upper()
    return {"adk": input}


def answer(request):
    try:
        data = request["data"]
        if request["content_type"] == "binary":
            data = base64.b64decode(data)
        result = apply(data)
        if isinstance(result, bytes):
            kind, result = "binary", base64.b64encode(result).decode("ascii")
        elif isinstance(result, str):
            kind = "text"
        else:
            kind = "json"
        return json.dumps({"result": result, "metadata": {"content_type": kind}})
    except Exception as error:
        return json.dumps({"error": {"message": str(error), "stacktrace": traceback.format_exc(), "error_type": "AlgorithmError"}})


if not os.path.exists(PIPE):
    print(apply("running locally"))
else:
    print("[adk] PIPE_INIT_COMPLETE")
    sys.stdout.flush()
    for line in sys.stdin:
        response = answer(json.loads(line))
        with open(PIPE, "w") as pipe:
            pipe.write(response)
            pipe.write("\n")
        sys.stdout.flush()
