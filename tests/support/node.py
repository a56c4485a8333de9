"""Node.js as an oracle for JavaScript semantics (JSON.stringify, Date, parseInt ...)."""

from __future__ import annotations

import json
import shutil
import struct
import subprocess

NODE = shutil.which("node")


class NodeOracle:
    """A long-running node process answering one JSON request per line."""

    SCRIPT = r"""
const rl = require('readline').createInterface({input: process.stdin});
rl.on('line', (line) => {
  const req = JSON.parse(line);
  let out;
  if (req.op === 'stringify') out = JSON.stringify(req.bits === undefined ? req.value
      : new Float64Array(new BigUint64Array([BigInt(req.bits)]).buffer)[0]);
  else if (req.op === 'iso') out = new Date(req.ms).toISOString();
  else if (req.op === 'parseInt') out = String(parseInt(req.value, 10));
  else if (req.op === 'round') out = String(Math.round(
      new Float64Array(new BigUint64Array([BigInt(req.bits)]).buffer)[0]));
  else if (req.op === 'date') {
    const t = new Date(req.value).getTime(); out = isNaN(t) ? 'NaN' : String(t);
  }
  process.stdout.write(JSON.stringify(out) + '\n');
});
"""

    def __init__(self) -> None:
        assert NODE is not None
        self.proc = subprocess.Popen(
            [NODE, "-e", self.SCRIPT],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env={"TZ": "UTC", "PATH": "/usr/bin:/bin"},
        )

    def ask(self, **request: object) -> str:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        answer: str = json.loads(self.proc.stdout.readline())
        return answer

    def close(self) -> None:
        self.proc.kill()
        self.proc.wait()


def float_bits(value: float) -> int:
    bits: int = struct.unpack("<Q", struct.pack("<d", value))[0]
    return bits
