#!/usr/bin/env bash
# Adds every public symbol the PublicApiAnalyzers report as undeclared (RS0016) to PublicAPI.Unshipped.txt,
# and drops declared symbols that no longer exist (RS0017). Review the diff: the API changes it shows are real.
# Usage: eng/update-public-api.sh [project-dir]   (default src/CryptoMail.Core)
set -euo pipefail
proj="${1:-src/CryptoMail.Core}"
file="$proj/PublicAPI.Unshipped.txt"
log=$(mktemp)
dotnet build "$proj" -p:TreatWarningsAsErrors=false 2>&1 > "$log" || true
python3 - "$log" "$file" <<'PY'
import re, sys
log, path = sys.argv[1], sys.argv[2]
text = open(log, encoding="utf-8").read()
add = set(re.findall(r"RS0016: Symbol '(.+?)' is not part of the declared public API", text))
drop = set(re.findall(r"RS0017: Symbol '(.+?)' is part of the declared API, but is either not public or could not be found", text))
lines = [l.rstrip("\n") for l in open(path, encoding="utf-8")]
head = [l for l in lines if l.startswith("#")]
body = sorted((set(l for l in lines if l and not l.startswith("#")) | add) - drop)
open(path, "w", encoding="utf-8").write("\n".join(head + body) + "\n")
print(f"{path}: +{len(add)} -{len(drop)}")
PY
rm -f "$log"
