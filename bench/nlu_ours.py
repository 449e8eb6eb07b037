"""Our NLU on our own held-out test set: intents, entities, confusion matrix, fallback threshold.

    .venv/bin/python bench/nlu_ours.py --clinc150 /work/shared/datasets/clinc150/data_full.json

Uses the project's model (trained only if its inputs changed), or with ``--config FILE`` trains a
candidate config.yml on the project's data into a temporary directory (``--train`` does that
for the project config too, to time a full training). Then it parses every example of
``tests/nlu/test_set.yml`` as the running bot would (whole pipeline, FallbackClassifier included)
and reports:

- intent accuracy as deployed (a fallback counts as wrong), closed-set accuracy (top intent
  before the fallback), macro-F1, per-intent accuracy, the confusion matrix (PNG);
- entities: precision/recall/F1 per entity type against the test set's annotations
  (type and canonical value must both match);
- the fallback threshold curve: for each confidence threshold, held-out accuracy and how often
  the bot would ask a clarifying question instead; and, with ``--clinc150``, how many of
  CLINC150's out-of-scope test queries (none of them IT support) the bot handles as such
  (classified ``out_of_scope`` or sent to the fallback) instead of starting a support flow.

Writes ``<out>/nlu_ours.json``, ``<out>/nlu_ours.md``, ``<out>/confusion_matrix.png`` and
``<out>/fallback_threshold.png``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

THRESHOLDS = [round(0.05 * i, 2) for i in range(0, 20)]
#: Keyboard mashes and noise (written for this probe, not training data): the bot should ask to
#: clarify (or call them out of scope), never start a flow.
GIBBERISH = ["asdfgh", "qwerty", "jjjjjj", "xcvbnm", "lkjhgf", "zzzz", "hjkl hjkl", "?", "fjdksla",
             "mnbvcx", "ghghgh", "123123", "wertyuiop", "poiuy", "aaaaaaa", "sdf sdf sdf", "dfghjk",
             "bnm,.", "ok ok ok ok ok lol", "..."]
#: The threshold rule: score = mean of held-out accuracy and CLINC oos queries handled; take the
#: lowest threshold whose score is within this many points of the best one (beyond it, extra
#: out-of-scope catches cost as much held-out accuracy as they gain).
SCORE_TOLERANCE = 0.005
AMBIGUITIES = [0.0, 0.05, 0.1]


def fallback_settings(config: Path) -> Tuple[float, float]:
    from ruamel.yaml import YAML

    for component in YAML(typ="safe").load(config.read_text())["pipeline"]:
        if component.get("name") == "FallbackClassifier":
            return float(component.get("threshold", 0.3)), float(component.get("ambiguity_threshold", 0.1))
    return 0.0, 0.0


def train_candidate(config: Path, work: Path) -> Tuple[Path, float]:
    """Train ``config`` on the project's domain and data in ``work``; (model, seconds)."""
    from bot.training import ensure_model

    project = work / "project"
    project.mkdir()
    shutil.copy(config, project / "config.yml")
    shutil.copy(ROOT / "domain.yml", project / "domain.yml")
    shutil.copytree(ROOT / "nlu_data", project / "nlu_data")
    started = time.monotonic()
    model = ensure_model(project, work / "models", None, force=True)
    return model, time.monotonic() - started


def raw_ranking(parsed: Dict[str, Any]) -> List[Tuple[str, float]]:
    """Intent ranking without the FallbackClassifier's entry."""
    return [(r["name"], float(r["confidence"])) for r in parsed.get("intent_ranking") or []
            if r.get("name") != "nlu_fallback"]


def decide(ranking: Sequence[Tuple[str, float]], threshold: float, ambiguity: float) -> str:
    """What FallbackClassifier would output for ``ranking``."""
    if not ranking:
        return "nlu_fallback"
    top = ranking[0][1]
    second = ranking[1][1] if len(ranking) > 1 else 0.0
    if top < threshold or (len(ranking) > 1 and top - second < ambiguity):
        return "nlu_fallback"
    return ranking[0][0]


def entity_scores(gold: List[set], predicted: List[set]) -> Dict[str, Dict[str, float]]:
    counts: Dict[str, Counter] = defaultdict(Counter)
    for g, p in zip(gold, predicted):
        for entity, _ in g | p:
            counts[entity]  # noqa: B018 - make sure the type appears
        for item in p & g:
            counts[item[0]]["tp"] += 1
        for item in p - g:
            counts[item[0]]["fp"] += 1
        for item in g - p:
            counts[item[0]]["fn"] += 1
    out = {}
    total = Counter()
    for entity, c in sorted(counts.items()):
        total.update(c)
        out[entity] = _prf(c)
    out["all"] = _prf(total)
    return out


def _prf(c: Counter) -> Dict[str, float]:
    p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 0.0
    r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0,
            "tp": c["tp"], "fp": c["fp"], "fn": c["fn"]}


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clinc150", type=Path, help="CLINC150 data_full.json (out-of-scope probes)")
    parser.add_argument("--config", type=Path, help="candidate config.yml to train and evaluate instead")
    parser.add_argument("--train", action="store_true", help="train (and time) even if a model exists")
    parser.add_argument("--test-set", type=Path, default=ROOT / "tests" / "nlu" / "test_set.yml")
    parser.add_argument("--long-set", type=Path, default=ROOT / "tests" / "nlu" / "long_messages.yml",
                        help="held-out long (3+ sentence) messages, scored with the held-out set")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks")
    parser.add_argument("--name", default="nlu_ours", help="file name stem of the outputs")
    args = parser.parse_args(argv)
    for key, value in {"TF_CPP_MIN_LOG_LEVEL": "2", "RASA_TELEMETRY_ENABLED": "false",
                       "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}.items():
        os.environ.setdefault(key, value)

    from rasa.shared.nlu.training_data.loading import load_data

    from bot.config import Settings
    from bot.nlu.evaluate import Parser
    from bot.training import ensure_model

    config = args.config or ROOT / "config.yml"
    threshold, ambiguity = fallback_settings(config)
    with tempfile.TemporaryDirectory(prefix="nlu-ours-") as tmp:
        train_seconds = None
        if args.config or args.train:
            model, train_seconds = train_candidate(config, Path(tmp))
            print(f"trained {config} in {train_seconds:.1f} s", flush=True)
        else:
            settings = Settings.from_env()
            model = ensure_model(settings.project_dir, settings.model_dir, settings.model_cache)
        parser_ = Parser(model)
        try:
            data = load_data(str(args.test_set))
            examples = data.intent_examples
            rows = []
            started = time.monotonic()
            for example in examples:
                parsed = parser_.parse(example.get("text"))
                rows.append({
                    "text": example.get("text"), "gold": example.get("intent"),
                    "intent": (parsed.get("intent") or {}).get("name"),
                    "ranking": raw_ranking(parsed)[:3],
                    "entities": sorted({(e["entity"], str(e.get("value")).lower()) for e in parsed.get("entities") or []}),
                    "gold_entities": sorted({(e["entity"], str(e.get("value")).lower()) for e in example.get("entities") or []}),
                })
            parse_ms = 1000 * (time.monotonic() - started) / max(len(rows), 1)
            gibberish_rows = [raw_ranking(parser_.parse(text))[:3] for text in GIBBERISH]
            long_rows = [(e.get("intent"), raw_ranking(parser_.parse(e.get("text")))[:3])
                         for e in (load_data(str(args.long_set)).intent_examples if args.long_set.exists() else [])]
            oos_rows = []
            if args.clinc150:
                oos = json.loads(args.clinc150.read_text())["oos_test"]
                for text, _ in oos:
                    oos_rows.append(raw_ranking(parser_.parse(text))[:3])
        finally:
            parser_.close()

    from sklearn.metrics import f1_score

    gold = [r["gold"] for r in rows]
    intents = sorted(set(gold))
    deployed = sum(r["intent"] == r["gold"] for r in rows) / len(rows)
    closed = [r["ranking"][0][0] if r["ranking"] else None for r in rows]
    closed_acc = sum(p == g for p, g in zip(closed, gold)) / len(rows)
    macro_f1 = float(f1_score(gold, [r["intent"] for r in rows], labels=intents, average="macro", zero_division=0))
    per_intent = {i: sum(1 for r in rows if r["gold"] == i and r["intent"] == i) / gold.count(i) for i in intents}
    curve = []
    for amb in AMBIGUITIES:
        for t in THRESHOLDS:
            decided = [decide(r["ranking"], t, amb) for r in rows]
            point = {
                "threshold": t, "ambiguity": amb,
                "heldout_accuracy": sum(d == g for d, g in zip(decided, gold)) / len(rows),
                "heldout_fallback_rate": decided.count("nlu_fallback") / len(rows),
                "heldout_wrong_topic_rate": sum(1 for d, g in zip(decided, gold) if d not in (g, "nlu_fallback")) / len(rows),
            }
            point["gibberish_caught"] = sum(
                decide(r, t, amb) in ("nlu_fallback", "out_of_scope") for r in gibberish_rows) / len(gibberish_rows)
            if long_rows:
                point["long_accuracy"] = sum(decide(r, t, amb) == g for g, r in long_rows) / len(long_rows)
            if oos_rows:
                point["score"] = None
                handled = [decide(r, t, amb) in ("nlu_fallback", "out_of_scope") for r in oos_rows]
                point["clinc_oos_handled"] = sum(handled) / len(handled)
                # Short held-out messages, long ones and out-of-scope queries weigh the same.
                parts = [point["heldout_accuracy"], point["clinc_oos_handled"]]
                parts += [point["long_accuracy"]] if long_rows else []
                point["score"] = sum(parts) / len(parts)
            curve.append(point)
    recommended = None
    scored = [p for p in curve if p.get("score") is not None and p["ambiguity"] == ambiguity]
    if scored:
        best = max(p["score"] for p in scored)
        recommended = min(p["threshold"] for p in scored if p["score"] >= best - SCORE_TOLERANCE)
    entities = entity_scores([set(map(tuple, r["gold_entities"])) for r in rows],
                             [set(map(tuple, r["entities"])) for r in rows])
    report = {
        "model": model.name, "config": str(config), "train_seconds": train_seconds,
        "test_examples": len(rows), "intents": len(intents),
        "fallback_threshold": threshold, "ambiguity_threshold": ambiguity,
        "accuracy_as_deployed": deployed, "accuracy_closed_set": closed_acc, "macro_f1": macro_f1,
        "long_examples": len(long_rows),
        "long_accuracy_as_deployed": (sum(decide(r, threshold, ambiguity) == g for g, r in long_rows) / len(long_rows)) if long_rows else None,
        "long_accuracy_closed_set": (sum(bool(r) and r[0][0] == g for g, r in long_rows) / len(long_rows)) if long_rows else None,
        "parse_ms_per_message": round(parse_ms, 1),
        "per_intent_accuracy": per_intent, "entities": entities, "threshold_curve": curve,
        "clinc_oos_probes": len(oos_rows), "gibberish_probes": len(GIBBERISH),
        "recommended_threshold": recommended,
        "threshold_rule": "lowest threshold whose mean of held-out accuracy, long-message accuracy and CLINC oos handled is "
                          f"within {100 * SCORE_TOLERANCE:.1f} points of the best",
        "mistakes": [(r["text"], r["gold"], r["intent"], r["ranking"][:2]) for r in rows if r["intent"] != r["gold"]],
        "entity_mistakes": [(r["text"], r["gold_entities"], r["entities"]) for r in rows if r["entities"] != r["gold_entities"]],
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"{args.name}.json").write_text(json.dumps(report, indent=1))
    (args.out / f"{args.name}.md").write_text(markdown(report))
    confusion_png(rows, intents, args.out / "confusion_matrix.png" if args.name == "nlu_ours" else args.out / f"{args.name}_confusion.png")
    threshold_png(report, args.out, args.out / "fallback_threshold.png" if args.name == "nlu_ours" else args.out / f"{args.name}_threshold.png")
    print(markdown(report))
    return 0


def markdown(report: Dict[str, Any]) -> str:
    lines = [
        f"Model `{report['model']}` ({report['config']}); {report['test_examples']} held-out examples, "
        f"{report['intents']} intents; FallbackClassifier threshold {report['fallback_threshold']}, "
        f"ambiguity {report['ambiguity_threshold']}."
        + (f" Trained in {report['train_seconds']:.0f} s." if report.get("train_seconds") else ""),
        "",
        f"- intent accuracy as deployed (fallback counts as wrong): **{100 * report['accuracy_as_deployed']:.1f}%**",
        f"- closed-set accuracy (top intent before the fallback): {100 * report['accuracy_closed_set']:.1f}%",
        f"- macro-F1 as deployed: {100 * report['macro_f1']:.1f}%",
        f"- parse time: {report['parse_ms_per_message']} ms per message (in-process, one at a time)",
    ]
    if report.get("long_examples"):
        lines += [
            f"- long messages (3+ sentences, {report['long_examples']} held out): "
            f"**{100 * report['long_accuracy_as_deployed']:.1f}%** reach the right topic as deployed, "
            f"{100 * report['long_accuracy_closed_set']:.1f}% closed-set",
        ]
    lines += [
        "",
        "| entity | precision | recall | F1 | TP | FP | FN |", "|---|---|---|---|---|---|---|",
    ]
    for entity, s in report["entities"].items():
        lines.append(f"| {entity} | {100 * s['precision']:.1f} | {100 * s['recall']:.1f} | {100 * s['f1']:.1f} | "
                     f"{s['tp']} | {s['fp']} | {s['fn']} |")
    if report.get("recommended_threshold") is not None:
        lines += ["", f"Recommended threshold: **{report['recommended_threshold']}** ({report['threshold_rule']})."]
    lines += ["", "| threshold | ambiguity | held-out accuracy | asks to clarify | wrong topic | long messages | CLINC oos handled | gibberish caught | score |",
              "|---|---|---|---|---|---|---|---|---|"]
    for p in report["threshold_curve"]:
        if p["ambiguity"] == report["ambiguity_threshold"] and (round(p["threshold"] * 20) % 2 == 0 or 0.25 <= p["threshold"] <= 0.75):
            oos = f"{100 * p['clinc_oos_handled']:.1f}" if "clinc_oos_handled" in p else "—"
            score = f"{100 * p['score']:.1f}" if p.get("score") is not None else "—"
            long_ = f"{100 * p['long_accuracy']:.1f}" if "long_accuracy" in p else "—"
            lines.append(f"| {p['threshold']:.2f} | {p['ambiguity']} | {100 * p['heldout_accuracy']:.1f} | "
                         f"{100 * p['heldout_fallback_rate']:.1f} | {100 * p['heldout_wrong_topic_rate']:.1f} | {long_} | {oos} | "
                         f"{100 * p['gibberish_caught']:.0f} | {score} |")
    return "\n".join(lines) + "\n"


def confusion_png(rows: List[Dict[str, Any]], intents: List[str], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    columns = intents + ["nlu_fallback"]
    matrix = np.zeros((len(intents), len(columns)), dtype=int)
    for r in rows:
        got = r["intent"] if r["intent"] in columns else "nlu_fallback"
        matrix[intents.index(r["gold"]), columns.index(got)] += 1
    fig, ax = plt.subplots(figsize=(11, 9.5))
    shown = np.where(matrix > 0, matrix, np.nan)
    ax.imshow(shown, cmap="Blues", vmin=0, vmax=max(1, matrix.max()))
    for i in range(matrix.shape[0]):
        for j in range(matrix.shape[1]):
            if matrix[i, j]:
                ax.text(j, i, str(matrix[i, j]), ha="center", va="center", fontsize=7,
                        color="white" if i == j else ("crimson" if j != len(columns) - 1 else "black"))
    ax.set_xticks(range(len(columns)))
    ax.set_xticklabels(columns, rotation=90, fontsize=8)
    ax.set_yticks(range(len(intents)))
    ax.set_yticklabels(intents, fontsize=8)
    ax.set_xlabel("predicted (as deployed, incl. fallback)")
    ax.set_ylabel("labelled")
    accuracy = np.trace(matrix[:, : len(intents)]) / matrix.sum()
    ax.set_title(f"Held-out test set: {matrix.sum()} examples, accuracy {100 * accuracy:.1f}%")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def threshold_png(report: Dict[str, Any], out: Path, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    public = out / "nlu_public.json"
    clinc = None
    if public.is_file():
        results = json.loads(public.read_text()).get("results", {})
        clinc = next((v for k, v in results.items() if k.startswith("clinc150/")), None)
    panels = 2 if clinc else 1
    fig, axes = plt.subplots(1, panels, figsize=(6 * panels, 4.3), squeeze=False)
    ax = axes[0][0]
    amb = report["ambiguity_threshold"]
    points = [p for p in report["threshold_curve"] if p["ambiguity"] == amb]
    xs = [p["threshold"] for p in points]
    ax.plot(xs, [p["heldout_accuracy"] for p in points], "-o", ms=3, label="held-out accuracy")
    ax.plot(xs, [p["heldout_fallback_rate"] for p in points], "-", label="held-out: asks to clarify")
    ax.plot(xs, [p["heldout_wrong_topic_rate"] for p in points], "-", label="held-out: wrong topic")
    if "clinc_oos_handled" in points[0]:
        ax.plot(xs, [p["clinc_oos_handled"] for p in points], "-s", ms=3, label="CLINC oos queries handled")
    ax.plot(xs, [p["gibberish_caught"] for p in points], ":", label="gibberish caught")
    ax.axvline(report["fallback_threshold"], color="grey", ls="--", lw=1)
    ax.set_xlabel(f"FallbackClassifier threshold (ambiguity {amb})")
    ax.set_title("Our bot: held-out set and CLINC150 oos probes")
    ax.set_ylim(0, 1.02)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower left")
    if clinc:
        ax = axes[0][1]
        for key, style in (("val_curve", "--"), ("test_curve", "-")):
            curve = clinc[key]
            xs = [p["threshold"] for p in curve]
            ax.plot(xs, [p["in_scope_accuracy"] for p in curve], style, color="tab:blue", label=f"in-scope accuracy ({key[:-6]})")
            ax.plot(xs, [p["oos_recall"] for p in curve], style, color="tab:red", label=f"oos recall ({key[:-6]})")
        ax.axvline(clinc["chosen_threshold_on_val"], color="grey", ls="--", lw=1)
        ax.set_xlabel("confidence threshold")
        ax.set_title("CLINC150 (our pipeline trained on CLINC150)")
        ax.set_ylim(0, 1.02)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8, loc="lower left")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


if __name__ == "__main__":
    sys.exit(main())
