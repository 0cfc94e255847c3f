"""Exports verify with the stdlib-only tool; every tampering kind is detected in the file."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import rfc8785

from tests.store.tamper import fill
from uprflow.store.export import export
from uprflow.store.ledger import Ledger

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / "tools" / "verify_export.py"


def run_tool(path: Path) -> subprocess.CompletedProcess[str]:
    # -I: isolated mode, no site-packages, no cwd on sys.path: the standard library only.
    python = "python3" if sys.platform != "win32" else sys.executable
    return subprocess.run(
        [python, "-I", str(TOOL), str(path)], capture_output=True, text=True, timeout=60
    )


def test_tool_embeds_chainwalk_verbatim() -> None:
    tool = TOOL.read_text(encoding="utf-8")
    embedded = tool.split("# ---- BEGIN uprflow/store/chainwalk.py ----\n", 1)[1].split(
        "# ---- END uprflow/store/chainwalk.py ----", 1
    )[0]
    source = (ROOT / "uprflow" / "store" / "chainwalk.py").read_text(encoding="utf-8")
    original = source.split("from __future__ import annotations\n", 1)[1]
    assert embedded.strip() == original.strip()


def test_export_verifies_on_both_backends(ledger: Ledger, tmp_path: Path) -> None:
    fill(ledger)
    path = tmp_path / "ledger.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        summary = export(ledger.engine, fh)
    assert summary.events == 10 and summary.head_position == 10
    done = run_tool(path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("OK 10 events")
    lines = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]
    assert [d["kind"] for d in lines][:2] == ["header", "event"]
    assert lines[-1] == {
        "kind": "end",
        "head_position": 10,
        "head_hash": summary.head_hash,
        "events": 10,
    }


def _forge_after(lines: list[str], index: int) -> str:
    prev = json.loads(lines[index])
    doc = json.loads(prev["body"])
    doc.update(position=5, prev_position=4, event_id=str(uuid.uuid4()), stream_id="forged")
    body = rfc8785.dumps(doc)
    digest = hashlib.sha256(bytes.fromhex(prev["hash"]) + body).hexdigest()
    return json.dumps(
        {
            "kind": "event",
            "position": 5,
            "prev_hash": prev["hash"],
            "hash": digest,
            "body": body.decode(),
            "event": doc,
        }
    )


def _edit_body(line: str) -> str:
    d = json.loads(line)
    d["body"] = d["body"].replace('"n-5"', '"n-X"')
    d["event"] = json.loads(d["body"])
    return json.dumps(d)


def _edit_event_only(line: str) -> str:
    d = json.loads(line)
    d["event"]["payload"]["recipient"] = "someone-else@example.org"
    return json.dumps(d)


# Line 0 is the header, so event at position p is line p.
FILE_TAMPERS = {
    "altered-body": (lambda ls: [*ls[:5], _edit_body(ls[5]), *ls[6:]], 5, "altered"),
    "altered-event": (lambda ls: [*ls[:5], _edit_event_only(ls[5]), *ls[6:]], 5, "altered"),
    "removed": (lambda ls: ls[:5] + ls[6:], 5, "removed"),
    "inserted": (lambda ls: [*ls[:5], _forge_after(ls, 4), *ls[5:]], 5, "inserted"),
    "reordered": (lambda ls: [*ls[:5], ls[6], ls[5], *ls[7:]], 5, "reordered"),
    "truncated": (lambda ls: ls[:8] + ls[11:], 8, "truncated"),
    "truncated-tail": (lambda ls: ls[:8], 8, "truncated"),
}


@pytest.mark.parametrize("name", list(FILE_TAMPERS))
def test_tampered_export_is_detected(sqlite_url: str, tmp_path: Path, name: str) -> None:
    ledger = Ledger(sqlite_url)
    from uprflow.store.migrate import migrate

    migrate(ledger.engine)
    fill(ledger)
    ledger.close()
    path = tmp_path / "ledger.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        export(ledger.engine, fh)
    change, position, kind = FILE_TAMPERS[name]
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(change(lines)) + "\n", encoding="utf-8")
    done = run_tool(path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout.startswith(f"FAIL position {position}: {kind}"), done.stdout
