#!/bin/sh
# Generates saved-models/src/main/resources/dev/slimport/classify/imagenet_synsets.txt: the 1000 ILSVRC-2012 synset
# ids in sorted order, one per line — the order of slim's imagenet_lsvrc_2015_synsets.txt, so line i (1-based) is
# slim's label index i of a 1001-class ImageNet model. Read from Debian's darknet package, whose
# data/imagenet.labels.list starts with the 1000 ILSVRC-2012 synsets (darknet's imagenet1k configuration reads its
# first 1000 lines) followed by the rest of ImageNet-21k. See imagenet_synsets.PROVENANCE beside the generated file.
#
# Usage: saved-models/scripts/generate-imagenet-synsets.sh darknet_<version>_amd64.deb OUT_FILE [TORCHVISION_DEB]
# With TORCHVISION_DEB (python3-torchvision_0.14.1-2_amd64.deb), also checks that darknet's short names of the
# 1000 synsets, in sorted-synset order, are torchvision's _IMAGENET_CATEGORIES (the names of slim's labels 1..1000)
# except where torchvision disambiguates a repeated name.
set -eu
deb=$1
out=$2
tv=${3:-}
data=./usr/share/darknet/data
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" -f - "$data/imagenet.labels.list" "$data/imagenet.shortnames.list"
if [ -n "$tv" ]; then
  dpkg-deb --fsys-tarfile "$tv" | tar -xO -f - ./usr/lib/python3/dist-packages/torchvision/models/_meta.py \
    > "$tmp/_meta.py"
fi
python3 - "$tmp/$data/imagenet.labels.list" "$tmp/$data/imagenet.shortnames.list" "$tmp/synsets.txt" \
  "$tmp/_meta.py" <<'PY'
import ast, os, re, sys
ids = [l.rstrip("\n") for l in open(sys.argv[1], encoding="utf-8")][:1000]
names = [l.rstrip("\n") for l in open(sys.argv[2], encoding="utf-8")][:1000]
assert len(ids) == 1000 and len(set(ids)) == 1000, "expected 1000 distinct synsets"
assert all(re.fullmatch(r"n[0-9]{8}", s) for s in ids), "not a synset id"
pairs = sorted(zip(ids, names))
if os.path.exists(sys.argv[4]):
    tree = ast.parse(open(sys.argv[4], encoding="utf-8").read())
    tv = None
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "_IMAGENET_CATEGORIES" for t in node.targets):
            tv = ast.literal_eval(node.value)
    assert tv is not None and len(tv) == 1000
    differ = [(i + 1, s, n, t) for i, ((s, n), t) in enumerate(zip(pairs, tv)) if n != t]
    for d in differ:
        print("name differs at slim index %d: %s darknet %r, torchvision %r" % d, file=sys.stderr)
    # torchvision renames the second of two WordNet lemmas that repeat; anything else is an order mismatch.
    assert all(t.startswith(n + " ") for _, _, n, t in differ) and len(differ) <= 2, "order differs"
    print("checked: %d of 1000 names equal to torchvision's, in the same order" % (1000 - len(differ)),
          file=sys.stderr)
with open(sys.argv[3], "w", encoding="utf-8", newline="\n") as f:
    for s, _ in pairs:
        f.write(s + "\n")
PY
mv "$tmp/synsets.txt" "$out"
