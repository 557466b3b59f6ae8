"""An algorithm in Algorithmia's layout, written as Algorithmia's template has it: apply(input) in src/NAME.py.

Text gets a greeting, JSON comes back wrapped, bytes come back reversed; "error" raises an error that
names its type, "print:TEXT" prints TEXT while serving, "sleep:SECONDS" takes that long, "call:TEXT"
calls acme/hello with TEXT through the API and key the instance was given, and "key" answers that key.
"""
import json
import os
import time
import urllib.request


class InputError(Exception):
    error_type = "InputError"


def apply(input):
    if isinstance(input, (bytes, bytearray)):
        return bytes(reversed(input))
    if input == "error":
        raise InputError("the input was rejected")
    if isinstance(input, str) and input.startswith("print:"):
        print(input[len("print:"):])
        return "printed"
    if isinstance(input, str) and input.startswith("sleep:"):
        time.sleep(float(input[len("sleep:"):]))
        return "slept"
    if input == "key":
        return os.environ["ALGORITHMIA_API_KEY"]
    if isinstance(input, str) and input.startswith("call:"):
        # What Algorithmia's client does with ALGORITHMIA_API and ALGORITHMIA_API_KEY, in the standard library.
        request = urllib.request.Request(
            os.environ["ALGORITHMIA_API"] + "/v1/algo/acme/hello", data=input[len("call:"):].encode("utf-8"),
            headers={"Authorization": os.environ["ALGORITHMIA_API_KEY"], "Content-Type": "text/plain"})
        with urllib.request.urlopen(request) as response:
            return json.load(response)["result"]
    if isinstance(input, str):
        return "hello " + input
    return {"echo": input}
