#!/usr/bin/env bash
# Regenerates the parameter and metric tables of docs/MODEL.md from the module registry.
# Usage: scripts/update-model-doc.sh [path/to/partnersim]   (default build/release/app/partnersim)
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-build/release/app/partnersim}"
params=$(mktemp)
metrics=$(mktemp)
trap 'rm -f "$params" "$metrics"' EXIT
"$bin" params --markdown >"$params"
"$bin" metrics --markdown >"$metrics"
/usr/bin/python3 - "$params" "$metrics" <<'PY'
import re, sys
doc = open("docs/MODEL.md", encoding="utf-8").read()
for name, path in (("params", sys.argv[1]), ("metrics", sys.argv[2])):
    table = open(path, encoding="utf-8").read().strip()
    doc = re.sub(rf"<!-- {name}:begin -->.*?<!-- {name}:end -->",
                 lambda _: f"<!-- {name}:begin -->\n{table}\n<!-- {name}:end -->", doc, flags=re.S)
open("docs/MODEL.md", "w", encoding="utf-8").write(doc)
PY
echo "docs/MODEL.md: tables regenerated from $bin"
