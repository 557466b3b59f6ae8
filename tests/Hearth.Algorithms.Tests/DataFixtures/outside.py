"""Algorithmia's own Python client against Hearth's data API from outside, unmodified: every file and directory call
the client has, checked. Prints "ok" at the end; any failed check raises. Arguments: API address, key, account."""
import json
import os
import sys
import tempfile

import Algorithmia
from Algorithmia.acl import ReadAcl, AclType

address, key, account = sys.argv[1], sys.argv[2], sys.argv[3]
client = Algorithmia.client(key, address)


def check(what, actual, expected):
    if actual != expected:
        raise AssertionError("{}: expected {!r}, got {!r}".format(what, expected, actual))


collection = client.dir("data://.my/things")
check("a new collection does not exist yet", collection.exists(), False)
collection.create(ReadAcl.private)
check("the collection exists once created", collection.exists(), True)
check("its permissions are private", collection.get_permissions().read_acl, AclType.private)
collection.update_permissions(ReadAcl.public)
check("its permissions are now public", collection.get_permissions().read_acl, AclType.public)

text = client.file("data://.my/things/hello.txt")
text.put("hello, data")
check("getString", text.getString(), "hello, data")
check("getBytes", text.getBytes(), b"hello, data")
check("exists", text.exists(), True)
client.file("data://{}/things/doc.json".format(account)).putJson({"n": 1, "list": [1, 2]})
check("getJson by the account's own name", client.file("data://.my/things/doc.json").getJson(), {"n": 1, "list": [1, 2]})

source = os.path.join(tempfile.mkdtemp(), "blob.bin")
blob = bytes(range(256)) * 4096
with open(source, "wb") as f:
    f.write(blob)
client.file("data://.my/things/sub/blob.bin").putFile(source)
with open(client.file("data://.my/things/sub/blob.bin").getFile(as_path=True), "rb") as f:
    check("getFile gives back what putFile sent", f.read(), blob)

sub = client.dir("data://.my/things/made")
sub.create()
check("a subdirectory exists once created", sub.exists(), True)
check("files", sorted(f.getName() for f in collection.files()), ["doc.json", "hello.txt"])
check("dirs", sorted(d.getName() for d in collection.dirs()), ["made", "sub"])
check("list", sorted(o.getName() for o in collection.list()), ["doc.json", "hello.txt", "made", "sub"])
sizes = {f.getName(): f.size for f in collection.files()}
check("listed sizes", sizes, {"doc.json": len(json.dumps({"n": 1, "list": [1, 2]})), "hello.txt": 11})

check("a missing file does not exist", client.file("data://.my/things/missing").exists(), False)
try:
    client.file("data://.my/things/missing").getString()
    raise AssertionError("reading a missing file did not fail")
except Algorithmia.errors.DataApiError as e:
    check("the refusal names the file", "not found" in str(e), True)

check("delete a file", text.delete(), True)
check("the deleted file is gone", text.exists(), False)
try:
    collection.delete()
    raise AssertionError("deleting a non-empty collection without force did not fail")
except Algorithmia.errors.DataApiError as e:
    check("the refusal says to force", "force=true" in str(e), True)
check("delete(force=True)", collection.delete(force=True), True)
check("the collection is gone", collection.exists(), False)
print("ok")
