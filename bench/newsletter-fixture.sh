#!/usr/bin/env bash
# The sending benchmarks' fixture (bench/smtp.sh, bench/ratios.sh): in folder DIR, the ~8 KB
# edition udgave.md (the sample edition plus filler) and a kampagne.toml that sends over 4
# connections to smtp://127.0.0.1:PORT. Run from the repository root.
#   bench/newsletter-fixture.sh DIR PORT
set -euo pipefail
dir=$1 port=$2
/usr/bin/python3 - "$dir" <<'PY'
import sys, pathlib
work = pathlib.Path(sys.argv[1])
text = pathlib.Path("examples/nyhedsbrev-nr-14.md").read_text()
body = "\n\nLængere baggrund om jobpakker, mentorer og sprog på arbejdspladsen. " * 30
(work / "udgave.md").write_text(text + body + "\n")
PY
cat >"$dir/kampagne.toml" <<TOML
[sender]
name = "Partnerskabets sekretariat"
address = "sekretariat@partnerskab.example"
postal_address = "Eksempelvej 1, 1000 København K"
[templates]
path = "$PWD/Templates"
[smtp]
url = "smtp://127.0.0.1:$port"
starttls = "off"
connections = 4
TOML
