#!/usr/bin/env python3
"""Writes docs/lints.md from `casc lint --lints --json` on stdin:
casc lint --lints --json | python3 docs/lints.py > docs/lints.md"""
import collections
import json
import sys

lints = json.load(sys.stdin)
by = collections.OrderedDict()
for l in lints:
    by.setdefault(l["source"], []).append(l)
count = collections.Counter(l["kind"] for l in lints)
out = ["# casc lints", "",
       f"The output of `casc lint --lints --json`, as a table: {len(lints)} lints "
       f"({count['certificate']} on certificates, {count['crl']} on CRLs, "
       f"{count['ocsp']} on OCSP responses). Regenerate with:", "",
       "```", "casc lint --lints --json | python3 docs/lints.py > docs/lints.md", "```", "",
       "A lint named `e_` is an error (`casc lint` exits 1), `w_` a warning, `n_` a notice. "
       "*Effective* is the date from which the rule applies: an input dated earlier (a "
       "certificate by its notBefore, a CRL by its thisUpdate, an OCSP response by its "
       "producedAt) gets `ne`, not effective. *zlint* names the equivalent zlint lint, for "
       "pipelines that compare.", ""]
for src, ls in by.items():
    out += [f"## {src} ({len(ls)})", "",
            "| lint | level | on | effective | citation | zlint |",
            "|---|---|---|---|---|---|"]
    for l in ls:
        eff = "" if l["effective"] == "always" else l["effective"][:10]
        alias = f"`{l['alias']}`" if l["alias"] else ""
        cit = l["citation"].replace("|", "/")
        out.append(f"| `{l['lint']}` | {l['level']} | {l['kind']} | {eff} | {cit} | {alias} |")
    out.append("")
print("\n".join(out))
