"""Echo: answers every request with its own input, of the same content type.

It holds its output pipe (ALGOOUT) open for its whole life. Run it by hand with
    mkfifo /tmp/out; ALGOOUT=/tmp/out python3 echo.py
and read /tmp/out in another terminal.
"""
import json
import os
import sys


def main():
    out = open(os.environ["ALGOOUT"], "w", encoding="utf-8")
    print("PIPE_INIT_COMPLETE", flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        response = {"result": request["data"], "content_type": request["content_type"]}
        out.write(json.dumps(response, separators=(",", ":")) + "\n")
        out.flush()


if __name__ == "__main__":
    main()
