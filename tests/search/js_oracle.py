"""Node.js answering the JavaScript string and regex questions the search port emulates."""

from __future__ import annotations

import json
import subprocess
from typing import Any

from tests.support.node import NODE

_SCRIPT = r"""
const rl = require('readline').createInterface({input: process.stdin});
const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const num = (v) => (v === null ? NaN : Number(v));
rl.on('line', (line) => {
  const r = JSON.parse(line);
  let out;
  switch (r.op) {
    case 'lower': out = r.text.toLowerCase(); break;
    case 'trim': out = r.text.trim(); break;
    case 'length': out = r.text.length; break;
    case 'spaces':
      out = [];
      for (let c = 0; c < 0x10000; c++) if (/\s/.test(String.fromCharCode(c))) out.push(c);
      break;
    case 'word': out = new RegExp('\\b' + r.pattern + '\\b', 'i').test(r.text); break;
    case 'highlight':
      out = r.keywords.reduce(
        (t, k) => t.replace(new RegExp('(' + escapeRegExp(k) + ')', 'gi'), '**$1**'), r.text);
      break;
    case 'split': out = r.text.split(/\s+/); break;
    case 'slice':
      out = Array.from({length: r.n}, (_, i) => i).slice(num(r.start), num(r.end));
      break;
    case 'sort':
      out = r.items.map((v, i) => [v, i]).sort((a, b) => {
        const c = num(a[0]) - num(b[0]);
        return r.desc ? -c : c;
      }).map((p) => p[1]);
      break;
  }
  process.stdout.write(JSON.stringify(out) + '\n');
});
"""


class JsOracle:
    """One long-running ``node`` process, one JSON question per line."""

    def __init__(self) -> None:
        assert NODE is not None
        self._process = subprocess.Popen(
            [NODE, "-e", _SCRIPT],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            env={"TZ": "UTC", "PATH": "/usr/bin:/bin"},
        )

    def ask(self, op: str, **fields: Any) -> Any:
        assert self._process.stdin is not None and self._process.stdout is not None
        self._process.stdin.write(json.dumps({"op": op, **fields}) + "\n")
        self._process.stdin.flush()
        return json.loads(self._process.stdout.readline())

    def close(self) -> None:
        self._process.kill()
        self._process.wait()
