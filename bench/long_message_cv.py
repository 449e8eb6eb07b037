"""How should the embedding head read a long message? Cross-validated on the training data only.

    .venv/bin/python bench/long_message_cv.py [--folds 5] [--seeds 0,1,2]

The held-out long-message set (tests/nlu/long_messages.yml) must not be used to choose the
mechanism, so this benchmark builds its own long messages from ``nlu_data/``: k-fold over the
topic examples, the head (logistic regression, C = 10, on MiniLM mean-pooled vectors, trained on
the training folds plus their LongMessageAugmenter copies, as deployed) is scored on held-out-fold
examples wrapped in a courtesy opener, one or two neutral context sentences and a courtesy closer.
Courtesy sentences are dropped as FocusTokenizer drops them. Rules compared (head only, top-1
accuracy and the share whose top confidence is >= 0.5):

- ``whole``: the head on the whole (focused) message, as shipped before;
- ``whole+best``: mean of the whole-message distribution and that of the most confident sentence;
- ``whole+mean``: mean of the whole-message distribution and the mean of the sentences';
- ``best``: the most confident sentence alone.

Half the context sentences wrap the training copies and the other half the test messages, so a
context sentence is never both learnt and tested.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

OPENERS = ["Hi there, hope you're well.", "Hello!", "Good morning, sorry to bother you.", "Hey team.",
           "Hi, hope your week is going well."]
CLOSERS = ["Thanks so much in advance!", "Cheers.", "Kind regards.", "Many thanks.", "Thank you for your help!"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seeds", default="0,1,2")
    args = parser.parse_args(argv)

    from rasa.shared.nlu.training_data.loading import load_data
    from rasa.shared.nlu.training_data.message import Message
    from ruamel.yaml import YAML
    from sklearn.linear_model import LogisticRegression

    from bench.head_lab import encode
    from bot.rasa_ext.focus_tokenizer import is_courtesy, sentence_spans
    from bot.rasa_ext.long_message_augmenter import augment, load_context_sentences

    config = YAML(typ="safe").load((ROOT / "config.yml").read_text())
    excluded = set(next(c for c in config["pipeline"] if c["name"].endswith("LongMessageAugmenter"))["exclude_intents"])
    examples = [(m.get("text"), m.get("intent")) for f in sorted((ROOT / "nlu_data" / "nlu").glob("*.yml"))
                for m in load_data(str(f)).intent_examples if m.get("intent")]
    context = load_context_sentences()

    def focused_sentences(text: str) -> list[str]:
        sentences = [text[a:b].strip() for a, b in sentence_spans(text)]
        kept = [s for s in sentences if not is_courtesy(s)]
        return kept or sentences

    results: dict[str, list[float]] = {}
    confident: dict[str, list[float]] = {}
    for seed in [int(s) for s in args.seeds.split(",")]:
        rng = random.Random(seed)
        shuffled_context = context[:]
        rng.shuffle(shuffled_context)
        train_context, test_context = shuffled_context[::2], shuffled_context[1::2]
        order = list(range(len(examples)))
        rng.shuffle(order)
        right: dict[str, int] = {}
        sure: dict[str, int] = {}
        total = 0
        for fold in range(args.folds):
            test_idx = set(order[fold :: args.folds])
            train = [examples[i] for i in range(len(examples)) if i not in test_idx]
            test = [examples[i] for i in sorted(test_idx) if examples[i][1] not in excluded]
            messages = [Message(data={"text": t, "intent": i}) for t, i in train]
            copies = augment(messages, sorted(excluded), train_context, 1, seed)
            train_texts = [t for t, _ in train] + [m.get("text") for m in copies]
            train_labels = [i for _, i in train] + [m.get("intent") for m in copies]
            long_texts = []
            for text, _ in test:
                core = text[0].upper() + text[1:]
                core += "" if core[-1] in ".!?" else "."
                middle = [core, *rng.sample(test_context, rng.randint(1, 2))]
                rng.shuffle(middle)
                long_texts.append(" ".join([rng.choice(OPENERS), *middle, rng.choice(CLOSERS)]))
            kept = [focused_sentences(t) for t in long_texts]
            flat = [s for sentences in kept for s in sentences]
            vectors = encode(train_texts + [" ".join(k) for k in kept] + flat)
            x = vectors["mean"]
            head = LogisticRegression(C=10.0, max_iter=1000).fit(x[: len(train_texts)], train_labels)
            classes = np.array(head.classes_)
            topic = np.array([c not in excluded for c in classes])
            whole = head.predict_proba(x[len(train_texts) : len(train_texts) + len(kept)])
            per = head.predict_proba(x[len(train_texts) + len(kept) :])
            start = 0
            for row, ((_, gold), sentences) in enumerate(zip(test, kept, strict=True)):
                sent = per[start : start + len(sentences)]
                start += len(sentences)
                best = sent[int(np.argmax(np.where(topic, sent, 0).max(axis=1)))]
                rules = {"whole": whole[row], "whole+best": 0.5 * whole[row] + 0.5 * best,
                         "whole+mean": 0.5 * whole[row] + 0.5 * sent.mean(axis=0), "best": best}
                for name, p in rules.items():
                    right[name] = right.get(name, 0) + int(classes[int(np.argmax(p))] == gold)
                    sure[name] = sure.get(name, 0) + int(classes[int(np.argmax(p))] == gold and p.max() >= 0.5)
                total += 1
        for name in right:
            results.setdefault(name, []).append(right[name] / total)
            confident.setdefault(name, []).append(sure[name] / total)
        print(f"seed {seed}: {total} synthetic long messages", {k: round(v / total, 4) for k, v in right.items()}, flush=True)
    print("| rule | top-1 % mean (min-max) | right and >= 0.5 % mean |\n|---|---|---|")
    for name, values in results.items():
        print(f"| {name} | {100 * statistics.fmean(values):.1f} ({100 * min(values):.1f}-{100 * max(values):.1f}) | "
              f"{100 * statistics.fmean(confident[name]):.1f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
