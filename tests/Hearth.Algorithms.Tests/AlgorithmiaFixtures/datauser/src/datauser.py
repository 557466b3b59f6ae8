"""An algorithm in Algorithmia's layout that uses Algorithmia's own Python client for data, as algorithms do.

The client (and stand-ins for the packages it imports but the data API never uses) is copied into the build by the
test, beside src/. The client finds the API and its key in ALGORITHMIA_API and ALGORITHMIA_API_KEY. The input names
a scenario; each returns what it saw.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import Algorithmia  # noqa: E402


def apply(input):
    client = Algorithmia.client()
    if input == "read-model":
        # The owner's collection, readable by the owner's algorithms whoever calls them (algo://.my/*).
        return client.file("data://acme/models/weights.txt").getString()
    if input == "write-my":
        # .my is the calling account, never the algorithm's owner.
        client.file("data://.my/results/out.txt").put("written inside")
        return client.file("data://.my/results/out.txt").getString()
    if input == "algo-temp":
        client.file("data://.algo/temp/scratch.txt").put("scratch")
        return client.file("data://.algo/temp/scratch.txt").getString()
    if input == "session":
        client.file("data://.session/s.txt").put("for this call")
        return [client.file("data://.session/s.txt").getString(), [f.getName() for f in client.dir("data://.session").files()]]
    if input == "session-after":
        return client.file("data://.session/s.txt").exists()
    if input == "write-owner":
        try:
            client.file("data://acme/models/overwrite.txt").put("no")
            return "written"
        except Exception as e:  # the refusal, as the client reports it
            return "refused: " + str(e)
    return "unknown scenario " + str(input)
