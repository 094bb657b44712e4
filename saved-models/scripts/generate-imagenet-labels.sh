#!/bin/sh
# Generates saved-models/src/main/resources/dev/slimport/classify/imagenet_slim_labels.txt: slim's 1001-way ImageNet
# label list, one label per line — line 1 (index 0) "background", then the 1000 ILSVRC-2012 class names in
# sorted-synset order, read from Debian's python3-torchvision package (torchvision/models/_meta.py,
# _IMAGENET_CATEGORIES). See PROVENANCE beside the generated file.
#
# Usage: saved-models/scripts/generate-imagenet-labels.sh python3-torchvision_0.14.1-2_amd64.deb OUT_FILE
# Needs dpkg-deb (or ar + tar) and python3; the list literal is parsed with Python's ast.literal_eval, never
# by hand.
set -eu
deb=$1
out=$2
meta=./usr/lib/python3/dist-packages/torchvision/models/_meta.py
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dpkg-deb --fsys-tarfile "$deb" | tar -xO -f - "$meta" > "$tmp/_meta.py"
python3 - "$tmp/_meta.py" "$tmp/labels.txt" <<'PY'
import ast, sys
tree = ast.parse(open(sys.argv[1], encoding="utf-8").read())
names = None
for node in tree.body:
    if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "_IMAGENET_CATEGORIES" for t in node.targets):
        names = ast.literal_eval(node.value)
assert names is not None, "_IMAGENET_CATEGORIES not found"
assert len(names) == 1000, len(names)
assert all(isinstance(n, str) and n and "\n" not in n for n in names)
with open(sys.argv[2], "w", encoding="utf-8", newline="\n") as f:
    f.write("background\n")
    for n in names:
        f.write(n + "\n")
PY
mv "$tmp/labels.txt" "$out"
