"""lookup_error_code finds codes regardless of case and 0x prefix; unknown codes are marked."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.flows.runtime.checks import ErrorCodeLookup, normalize_error_code

DATA = """
0x80070005: {title: Access denied, advice: Ask for access.}
ERR-4012: {title: Licence expired, advice: Renew the licence.}
"403": {title: Forbidden, advice: Check permissions.}
"""


@pytest.mark.parametrize("code", ["0x80070005", "80070005", "0X80070005", " 0x80070005 "])
def test_hex_codes_match_with_or_without_prefix(tmp_path: Path, code: str) -> None:
    path = tmp_path / "error_codes.yml"
    path.write_text(DATA)
    result = ErrorCodeLookup(path)({"code": code})
    assert result["known"] is True
    assert result["title"] == "Access denied"
    assert result["advice"] == "Ask for access."


def test_other_codes_and_unknown(tmp_path: Path) -> None:
    path = tmp_path / "error_codes.yml"
    path.write_text(DATA)
    lookup = ErrorCodeLookup(path)
    assert lookup({"code": "err-4012"})["title"] == "Licence expired"
    assert lookup({"code": "error 403"})["title"] == "Forbidden"
    unknown = lookup({"code": "E9999"})
    assert {k: unknown[k] for k in ("known", "title", "advice")} == {"known": False, "title": "", "advice": ""}
    assert lookup({"code": ""})["known"] is False


def test_missing_file_means_unknown(tmp_path: Path) -> None:
    assert ErrorCodeLookup(tmp_path / "none.yml")({"code": "0x80070005"})["known"] is False


def test_normalisation() -> None:
    assert normalize_error_code("0X80070005") == "80070005"
    assert normalize_error_code("Error: 403") == "403"
    assert normalize_error_code("ERR-4012") == "err-4012"
