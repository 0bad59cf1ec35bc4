"""The audit payload contract (proposals/payloads.py): writers write what they declare, readers read it.

Every test that performs an action already checks its event data (settings.AUDIT_PAYLOAD_STRICT is on in
tests); these tests show the check bites, and that the readers go through the contract.
"""

from __future__ import annotations

import ast
import pathlib

import pytest

from proposals import payloads, workflow
from proposals.payloads import PayloadError
from proposals.services import runner
from tests.factories import CaseBuilder

ROOT = pathlib.Path(__file__).resolve().parents[2]
# The modules that show or act on what an event's data says.
READERS = ["proposals/views/timeline.py", "notifications/rules.py", "proposals/api/views.py"]


def test_every_action_of_the_table_declares_its_event_data():
    assert set(workflow.ACTIONS) <= set(payloads.PAYLOADS)


def test_a_handler_that_writes_an_undeclared_key_fails(world, monkeypatch):
    builder = CaseBuilder(world).submitted()
    original = runner.HANDLERS["recommend"]

    def leaky(ctx, data):
        outcome = original(ctx, data)
        outcome.data["secret_note"] = "x"
        return outcome

    monkeypatch.setitem(runner.HANDLERS, "recommend", leaky)
    with pytest.raises(PayloadError, match="secret_note"):
        runner.perform("recommend", world.staff, builder.case.pk, {"outcome": "file", "reason": "符合立案条件"})
    assert builder.refresh().recommendation == ""


def test_a_handler_that_leaves_out_a_required_key_fails(world, monkeypatch):
    builder = CaseBuilder(world).submitted()
    original = runner.HANDLERS["recommend"]

    def forgetful(ctx, data):
        outcome = original(ctx, data)
        del outcome.data["reason"]
        return outcome

    monkeypatch.setitem(runner.HANDLERS, "recommend", forgetful)
    with pytest.raises(PayloadError, match="reason"):
        runner.perform("recommend", world.staff, builder.case.pk, {"outcome": "file", "reason": "符合立案条件"})


def test_a_reader_that_reads_a_key_the_action_never_writes_fails():
    class Event:
        action = "sign"
        data = {"assignment": 1, "unit": "区教育局"}

    assert payloads.read(Event(), "unit") == "区教育局"
    with pytest.raises(PayloadError, match="deemed"):
        payloads.read(Event(), "deemed")


def test_outside_strict_mode_a_broken_contract_is_logged_and_the_value_still_read(settings, caplog):
    settings.AUDIT_PAYLOAD_STRICT = False

    class Event:
        action = "close"
        data = {"round": 1}

    assert payloads.read(Event(), "reason", "无") == "无"
    assert "never writes it" in caplog.text


def _literal_reads(path: pathlib.Path) -> list[tuple[int, str]]:
    """Every payloads.read(x, "key") call with a literal key, and every direct .data.get/.data[...] of an event."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "read":
            if isinstance(node.func.value, ast.Name) and node.func.value.id == "payloads" and len(node.args) >= 2:
                key = node.args[1]
                if isinstance(key, ast.Constant) and isinstance(key.value, str):
                    found.append((node.lineno, key.value))
    return found


@pytest.mark.parametrize("module", READERS)
def test_every_key_a_reader_names_is_written_by_some_action(module):
    every_key = set().union(*(payloads.declared(a) for a in payloads.PAYLOADS))
    reads = _literal_reads(ROOT / module)
    unknown = [(line, key) for line, key in reads if key not in every_key]
    assert unknown == [], f"{module} reads keys no action writes: {unknown}"


@pytest.mark.parametrize("module", READERS)
def test_readers_do_not_bypass_the_contract(module):
    source = (ROOT / module).read_text(encoding="utf-8")
    # Event data is read through payloads.read(); a hook's own synthetic data (h.data["invited"]) is not an event's.
    bypasses = [
        line
        for line in source.splitlines()
        if (".data.get(" in line or "e.data[" in line or "event.data[" in line) and "request" not in line
    ]
    assert bypasses == []


def test_the_timeline_describes_every_action_of_a_whole_case_without_breaking_the_contract(world):
    from proposals.views.timeline import full_history

    builder = CaseBuilder(world).replied()
    entries = full_history(builder.case)
    expected = {workflow.ACTIONS[a].label for a in ("submit", "file", "assign", "sign", "reply", "accept_reply")}
    assert expected <= {e.label for e in entries}
    assigned = next(e for e in entries if e.label == workflow.ACTIONS["assign"].label)
    assert world.unit.name in assigned.text
