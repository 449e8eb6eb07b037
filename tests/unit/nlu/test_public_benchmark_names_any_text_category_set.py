"""bench/nlu_public.py takes any text,category data set by path and names it in the table."""

import csv
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def write_set(folder: Path) -> None:
    folder.mkdir()
    rows = [("reset my password please", "password"), ("i forgot my password", "password"),
            ("the vpn is down", "vpn"), ("cannot connect to the vpn", "vpn")] * 3
    for name in ("train", "test"):
        with open(folder / f"{name}.csv", "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["text", "category"])
            writer.writerows(rows)


def test_a_data_set_given_by_path_is_run_and_named_in_the_table(tmp_path: Path) -> None:
    write_set(tmp_path / "helpdesk")
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "nlu_public.py"), "--dataset", f"Helpdesk intents={tmp_path / 'helpdesk'}",
         "--runs", "10shot", "--pipelines", "tfidf", "--out", str(out)],
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    table = (out / "nlu_public.md").read_text()
    assert "| Helpdesk intents | 10 per intent (12) | TF-IDF" in table
    assert "Banking77" not in table.split("\n\n", 1)[1].split("Accuracy is")[0]


def test_a_malformed_dataset_argument_is_refused_with_the_expected_form(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "nlu_public.py"), "--dataset", "no-equals-sign"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "expected NAME=FOLDER" in done.stderr
