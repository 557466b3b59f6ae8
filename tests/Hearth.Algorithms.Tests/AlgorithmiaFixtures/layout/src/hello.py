"""An algorithm in Algorithmia's layout, written as Algorithmia's template has it: apply(input) in src/NAME.py.

Text gets a greeting, JSON comes back wrapped, bytes come back reversed; "error" raises an error that
names its type, "print:TEXT" prints TEXT while serving, "sleep:SECONDS" takes that long.
"""
import time


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
    if isinstance(input, str):
        return "hello " + input
    return {"echo": input}
