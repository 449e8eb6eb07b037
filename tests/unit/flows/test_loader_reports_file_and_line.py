"""Every structural problem is reported as file:line with an actionable message."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, List

from bot.flows.loading.loader import load_flow_file
from bot.flows.model import Problem


def lines_and_messages(problems: List[Problem]) -> List[tuple]:
    return [(p.location.line, p.message) for p in problems]


def test_unknown_key_bad_answer_type_and_bad_condition(write_flow: Callable[[str, str], Path]) -> None:
    path = write_flow(
        "broken.yml",
        """
        flows:
          broken:
            description: A broken flow
            triggers: [{intent: broken}]
            steps:
              - id: hello
                say: Hi
                nxt: ask_it
              - id: ask_it
                ask: Which one?
                answer:
                  type: choise
              - id: decide
                say: Deciding
                next:
                  - if: ask_it = "a"
                    then: hello
                  - else: nowhere
        """,
    )
    flows, problems = load_flow_file(path)
    assert flows == []
    assert all(p.location.file == str(path) for p in problems)
    found = lines_and_messages(problems)
    assert (8, "step 'hello': unknown key 'nxt' (expected one of: id, image, link, next, say; did you mean 'next'?)") in found
    assert any(line == 12 and "ask step 'ask_it': answer.type must be one of choice, yes_no" in msg for line, msg in found)
    assert any(line == 16 and "condition 'ask_it = \"a\"' is invalid at column 8" in msg and "use '=='" in msg for line, msg in found)
    assert any(line == 18 and "else target 'nowhere' is not a step" in msg for line, msg in found)


def test_yaml_syntax_error_names_the_line(write_flow: Callable[[str, str], Path]) -> None:
    path = write_flow(
        "syntax.yml",
        """
        flows:
          s:
            description: "unterminated
            triggers: [{intent: s}]
        """,
    )
    flows, problems = load_flow_file(path)
    assert flows == []
    assert len(problems) == 1
    assert problems[0].message.startswith("YAML syntax error:")
    assert problems[0].location.line in (3, 4, 5)
    assert f"(line {problems[0].location.line}" in problems[0].message


def test_duplicate_ids_and_two_kinds_in_one_step(write_flow: Callable[[str, str], Path]) -> None:
    path = write_flow(
        "dupes.yml",
        """
        flows:
          dupes:
            description: Duplicates
            triggers: [{intent: dupes}]
            steps:
              - id: one
                say: first
              - id: one
                say: second
              - id: two
                say: text
                ask: question?
        """,
    )
    _, problems = load_flow_file(path)
    found = lines_and_messages(problems)
    assert (8, "step 'one': duplicate step id (first defined at line 6)") in found
    assert any(line == 10 and "exactly one of: say, ask" in msg and "found say, ask" in msg for line, msg in found)


def test_conditional_next_must_end_with_else(write_flow: Callable[[str, str], Path]) -> None:
    path = write_flow(
        "noelse.yml",
        """
        flows:
          noelse:
            description: No else
            triggers: [{intent: noelse}]
            steps:
              - id: a
                say: hi
                next:
                  - if: x == 1
                    then: b
              - id: b
                say: bye
        """,
    )
    _, problems = load_flow_file(path)
    assert any(p.location.line == 8 and "must end with an {else:" in p.message for p in problems)


def test_clean_file_has_no_problems(write_flow: Callable[[str, str], Path]) -> None:
    path = write_flow(
        "fine.yml",
        """
        flows:
          fine:
            description: Fine
            triggers: [{intent: fine}]
            steps:
              - id: a
                say: hi
        """,
    )
    flows, problems = load_flow_file(path)
    assert problems == []
    assert [f.id for f in flows] == ["fine"]
    assert flows[0].location.line == 2


def test_duplicate_yaml_key_is_reported_with_its_line(write_flow: Callable[[str, str], Path]) -> None:
    path = write_flow(
        "dupkey.yml",
        """
        flows:
          dupkey:
            description: first
            description: second
            triggers: [{intent: dupkey}]
            steps: [{id: a, say: hi}]
        """,
    )
    flows, problems = load_flow_file(path)
    assert flows == []
    assert [p.location.line for p in problems] == [4]
    assert 'duplicate key "description"' in problems[0].message
