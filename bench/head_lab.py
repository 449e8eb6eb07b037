"""Quick experiments on intent heads over cached sentence embeddings (not Rasa; seconds per run).

    .venv/bin/python bench/head_lab.py embed --dataset Banking77=/work/shared/datasets/banking77
    .venv/bin/python bench/head_lab.py heads --dataset Banking77=/work/shared/datasets/banking77

``embed`` runs all-MiniLM-L6-v2 (the bundled package, TensorFlow) once over a ``text,category``
data set's train and test texts and caches mean-pooled and [CLS] vectors in ``var/head_lab/``.
``heads`` then scores candidate heads on k examples per intent drawn with several seeds (a
different k-example draw per seed) against the whole test split: accuracy and macro-F1, mean and
spread. Hyper-parameters that a head needs are chosen on a validation split of the *training*
draw (never on the test set). It exists so that a head can be compared in seconds before it is
built into ``bot/rasa_ext/embedding_head.py`` and measured end to end with ``bench/nlu_public.py``.
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CACHE = ROOT / "var" / "head_lab"


def read_csv(path: Path) -> tuple[list[str], list[str]]:
    """Texts and labels of a ``text,category`` CSV."""
    with open(path, newline="", encoding="utf-8") as handle:
        rows = [(r["text"].strip(), r["category"]) for r in csv.DictReader(handle)]
    return [t for t, _ in rows], [c for _, c in rows]


def encode(texts: list[str], model_dir: str | None = None, batch: int = 64) -> dict[str, np.ndarray]:
    """Mean-pooled (L2-normalised) and [CLS] vectors of ``texts`` through one compiled graph."""
    import tensorflow as tf
    from transformers import AutoTokenizer, TFAutoModel

    from bot.rasa_ext.minilm import bundled_model_path

    path = model_dir or bundled_model_path()
    tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
    model = TFAutoModel.from_pretrained(path, local_files_only=True)
    spec = tf.TensorSpec([None, None], tf.int32)

    @tf.function(input_signature=[spec, spec])
    def forward(ids: tf.Tensor, mask: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
        hidden = model(input_ids=ids, attention_mask=mask, training=False)[0]
        m = tf.cast(tf.expand_dims(mask, -1), hidden.dtype)
        mean = tf.reduce_sum(hidden * m, axis=1) / tf.maximum(tf.reduce_sum(m, axis=1), 1e-9)
        return tf.math.l2_normalize(mean, axis=1), hidden[:, 0]

    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    means = np.zeros((len(texts), model.config.hidden_size), np.float32)
    cls = np.zeros_like(means)
    started = time.monotonic()
    for start in range(0, len(order), batch):
        idx = order[start : start + batch]
        enc = tokenizer([texts[i] for i in idx], padding=True, truncation=True, max_length=256, return_tensors="np")
        mean, first = forward(tf.constant(enc["input_ids"], tf.int32), tf.constant(enc["attention_mask"], tf.int32))
        means[idx] = mean.numpy()
        cls[idx] = first.numpy()
    print(f"embedded {len(texts)} texts in {time.monotonic() - started:.1f} s", flush=True)
    return {"mean": means, "cls": cls}


def cached(name: str, folder: Path, model_dir: str | None = None, tag: str = "minilm") -> dict[str, Any]:
    """Train/test texts, labels and vectors of a data set (computed once, then read from var/)."""
    out = CACHE / f"{name}-{tag}.npz"
    train_texts, train_labels = read_csv(folder / "train.csv")
    test_texts, test_labels = read_csv(folder / "test.csv")
    if not out.is_file():
        CACHE.mkdir(parents=True, exist_ok=True)
        train = encode(train_texts, model_dir)
        test = encode(test_texts, model_dir)
        np.savez(out, train_mean=train["mean"], train_cls=train["cls"], test_mean=test["mean"], test_cls=test["cls"])
    arrays = np.load(out)
    return {"train_texts": train_texts, "train_labels": np.array(train_labels), "test_texts": test_texts,
            "test_labels": np.array(test_labels), **{k: arrays[k] for k in arrays.files}}


def draw(labels: np.ndarray, k: int, seed: int) -> np.ndarray:
    """Indices of ``k`` random training examples per label (seed 0: the first k, as nlu_public.py)."""
    rng = np.random.default_rng(seed)
    picked: list[int] = []
    for label in sorted(set(labels.tolist())):
        idx = np.flatnonzero(labels == label)
        picked.extend(idx[:k] if seed == 0 else rng.choice(idx, size=min(k, len(idx)), replace=False))
    return np.array(sorted(picked))


# ------------------------------------------------------------------------------ heads
Head = Callable[[dict[str, Any], np.ndarray], np.ndarray]  # (data, train idx) -> test probabilities


def logreg_probs(x: np.ndarray, y: np.ndarray, xt: np.ndarray, c: float) -> tuple[np.ndarray, list[str]]:
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=c, max_iter=2000).fit(x, y)
    return model.predict_proba(xt), [str(v) for v in model.classes_]


def tfidf_probs(texts: list[str], y: np.ndarray, test: list[str], c: float) -> tuple[np.ndarray, list[str]]:
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    word = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
    char = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)
    x = hstack([word.fit_transform(texts), char.fit_transform(texts)]).tocsr()
    xt = hstack([word.transform(test), char.transform(test)]).tocsr()
    model = LogisticRegression(C=c, max_iter=2000).fit(x, y)
    return model.predict_proba(xt), [str(v) for v in model.classes_]


def prototype_probs(x: np.ndarray, y: np.ndarray, xt: np.ndarray, scale: float) -> tuple[np.ndarray, list[str]]:
    classes = sorted(set(y.tolist()))
    protos = np.vstack([x[y == c].mean(axis=0) for c in classes])
    protos /= np.linalg.norm(protos, axis=1, keepdims=True)
    logits = scale * (xt @ protos.T)
    logits -= logits.max(axis=1, keepdims=True)
    p = np.exp(logits)
    return p / p.sum(axis=1, keepdims=True), classes


def contrastive_finetune(
    texts: list[str], labels: np.ndarray, eval_texts: list[str], steps: int, seed: int,
    per_class: int = 4, classes_per_batch: int = 16, lr: float = 2e-5, temperature: float = 0.05,
) -> tuple[np.ndarray, np.ndarray, float]:
    """SetFit-style supervised contrastive fine-tuning of MiniLM on the few-shot examples.

    Each step takes ``classes_per_batch`` intents x ``per_class`` examples and minimises the
    supervised contrastive loss (Khosla et al. 2020) of the mean-pooled, normalised embeddings:
    same-intent examples are pulled together, the others pushed apart. Returns the fine-tuned
    embeddings of ``texts`` and ``eval_texts`` and the fine-tuning seconds.
    """
    import tensorflow as tf
    from transformers import AutoTokenizer, TFAutoModel

    from bot.rasa_ext.minilm import bundled_model_path

    tf.random.set_seed(seed)
    rng = np.random.default_rng(seed)
    path = bundled_model_path()
    tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
    model = TFAutoModel.from_pretrained(path, local_files_only=True)
    optimizer = tf.keras.optimizers.Adam(learning_rate=lr)
    spec = tf.TensorSpec([None, None], tf.int32)

    def pooled(ids: tf.Tensor, mask: tf.Tensor, training: bool) -> tf.Tensor:
        hidden = model(input_ids=ids, attention_mask=mask, training=training)[0]
        m = tf.cast(tf.expand_dims(mask, -1), hidden.dtype)
        mean = tf.reduce_sum(hidden * m, axis=1) / tf.maximum(tf.reduce_sum(m, axis=1), 1e-9)
        return tf.math.l2_normalize(mean, axis=1)

    @tf.function(input_signature=[spec, spec, tf.TensorSpec([None], tf.int32)])
    def step(ids: tf.Tensor, mask: tf.Tensor, y: tf.Tensor) -> tf.Tensor:
        with tf.GradientTape() as tape:
            z = pooled(ids, mask, True)
            sim = tf.matmul(z, z, transpose_b=True) / temperature
            n = tf.shape(z)[0]
            eye = tf.eye(n)
            same = tf.cast(tf.equal(y[:, None], y[None, :]), tf.float32) - eye
            logits = sim - 1e9 * eye
            log_prob = logits - tf.reduce_logsumexp(logits, axis=1, keepdims=True)
            loss = -tf.reduce_mean(tf.reduce_sum(same * log_prob, axis=1) / tf.maximum(tf.reduce_sum(same, axis=1), 1.0))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables, strict=True))
        return loss

    @tf.function(input_signature=[spec, spec])
    def embed_graph(ids: tf.Tensor, mask: tf.Tensor) -> tf.Tensor:
        return pooled(ids, mask, False)

    label_ids = {c: i for i, c in enumerate(sorted(set(labels.tolist())))}
    by_class = {c: np.flatnonzero(labels == c) for c in label_ids}
    started = time.monotonic()
    for s in range(steps):
        chosen = rng.choice(list(label_ids), size=min(classes_per_batch, len(label_ids)), replace=False)
        idx = np.concatenate([rng.choice(by_class[c], size=min(per_class, len(by_class[c])), replace=False) for c in chosen])
        enc = tokenizer([texts[i] for i in idx], padding=True, truncation=True, max_length=64, return_tensors="np")
        loss = step(tf.constant(enc["input_ids"], tf.int32), tf.constant(enc["attention_mask"], tf.int32),
                    tf.constant([label_ids[labels[i]] for i in idx], tf.int32))
        if s % 50 == 0:
            print(f"  step {s} loss {float(loss):.3f} ({time.monotonic() - started:.0f} s)", flush=True)
    seconds = time.monotonic() - started

    def embed(items: list[str]) -> np.ndarray:
        out = np.zeros((len(items), model.config.hidden_size), np.float32)
        order = sorted(range(len(items)), key=lambda i: len(items[i]))
        for start in range(0, len(order), 64):
            idx = order[start : start + 64]
            enc = tokenizer([items[i] for i in idx], padding=True, truncation=True, max_length=256, return_tensors="np")
            out[idx] = embed_graph(tf.constant(enc["input_ids"], tf.int32), tf.constant(enc["attention_mask"], tf.int32)).numpy()
        return out

    return embed(texts), embed(eval_texts), seconds


def score(probs: np.ndarray, classes: list[str], gold: np.ndarray) -> tuple[float, float]:
    from sklearn.metrics import f1_score

    predicted = np.array(classes)[probs.argmax(axis=1)]
    return float((predicted == gold).mean()), float(f1_score(gold, predicted, average="macro"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["embed", "heads", "finetune"])
    parser.add_argument("--steps", default="100,200", help="finetune: contrastive steps to try")
    parser.add_argument("--dataset", required=True, help="NAME=FOLDER with train.csv/test.csv (text,category)")
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--model-dir", help="other encoder weights (directory); cached under --tag")
    parser.add_argument("--tag", default="minilm")
    args = parser.parse_args(argv)
    name, _, folder = args.dataset.partition("=")
    data = cached(name, Path(folder), args.model_dir, args.tag)
    if args.command == "embed":
        return 0
    if args.command == "finetune":
        return finetune_main(name, data, args)
    results: dict[str, list[tuple[float, float]]] = {}
    for seed in [int(s) for s in args.seeds.split(",")]:
        idx = draw(data["train_labels"], args.k, seed)
        y = data["train_labels"][idx]
        gold = data["test_labels"]
        texts = [data["train_texts"][i] for i in idx]
        xm, xtm = data["train_mean"][idx], data["test_mean"]
        cls_raw = data["train_cls"][idx]
        xc = cls_raw / np.linalg.norm(cls_raw, axis=1, keepdims=True)
        xtc = data["test_cls"] / np.linalg.norm(data["test_cls"], axis=1, keepdims=True)
        runs: dict[str, tuple[np.ndarray, list[str]]] = {}
        for c in (1.0, 10.0, 100.0):
            runs[f"logreg mean C={c:g}"] = logreg_probs(xm, y, xtm, c)
        runs["logreg cls C=10"] = logreg_probs(xc, y, xtc, 10.0)
        runs["logreg mean+cls C=10"] = logreg_probs(np.hstack([xm, xc]), y, np.hstack([xtm, xtc]), 10.0)
        for s in (10.0, 20.0, 40.0):
            runs[f"prototype cosine scale={s:g}"] = prototype_probs(xm, y, xtm, s)
        runs["tfidf word+char C=10"] = tfidf_probs(texts, y, data["test_texts"], 10.0)
        lr, classes = runs["logreg mean C=10"]
        tf_, classes2 = runs["tfidf word+char C=10"]
        assert classes == classes2
        for w in (0.2, 0.3, 0.5):
            runs[f"logreg mean C=10 + {w:g} tfidf"] = ((1 - w) * lr + w * tf_, classes)
        proto, _ = runs["prototype cosine scale=20"]
        runs["logreg C=10 + prototype (0.5)"] = (0.5 * lr + 0.5 * proto, classes)
        for key, (probs, cl) in runs.items():
            results.setdefault(key, []).append(score(probs, cl, gold))
        print(f"seed {seed} done", flush=True)
    print(f"\n{name}, {args.k} per intent, seeds {args.seeds}, test {len(data['test_labels'])}")
    print("| head | accuracy % mean (min-max) | macro-F1 % mean |\n|---|---|---|")
    for key, values in results.items():
        accs = [a for a, _ in values]
        f1s = [f for _, f in values]
        print(f"| {key} | {100 * statistics.fmean(accs):.1f} ({100 * min(accs):.1f}-{100 * max(accs):.1f}) "
              f"| {100 * statistics.fmean(f1s):.1f} |")
    (CACHE / f"heads-{name}-{args.tag}-k{args.k}.json").write_text(json.dumps(results, indent=1))
    return 0


def finetune_main(name: str, data: dict[str, Any], args: argparse.Namespace) -> int:
    """Contrastive fine-tuning then logistic regression, per seed and step count."""
    results: dict[str, list[Any]] = {}
    for seed in [int(s) for s in args.seeds.split(",")]:
        idx = draw(data["train_labels"], args.k, seed)
        y = data["train_labels"][idx]
        texts = [data["train_texts"][i] for i in idx]
        base, classes = logreg_probs(data["train_mean"][idx], y, data["test_mean"], 10.0)
        results.setdefault("frozen", []).append(score(base, classes, data["test_labels"]))
        for steps in [int(s) for s in args.steps.split(",")]:
            x, xt, seconds = contrastive_finetune(texts, y, data["test_texts"], steps, seed)
            probs, classes = logreg_probs(x, y, xt, 10.0)
            acc, f1 = score(probs, classes, data["test_labels"])
            results.setdefault(f"supcon {steps} steps", []).append((acc, f1, seconds))
            print(f"seed {seed} steps {steps}: {100 * acc:.1f} % ({seconds:.0f} s)  frozen {100 * results['frozen'][-1][0]:.1f}", flush=True)
    (CACHE / f"finetune-{name}-k{args.k}.json").write_text(json.dumps(results, indent=1))
    for key, values in results.items():
        accs = [v[0] for v in values]
        print(f"| {key} | {100 * statistics.fmean(accs):.1f} ({100 * min(accs):.1f}-{100 * max(accs):.1f}) | "
              f"{100 * statistics.fmean(v[1] for v in values):.1f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
