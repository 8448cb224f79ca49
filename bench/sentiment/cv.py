#!/usr/bin/python3
"""K-fold estimate of the sentiment model's figures on the training corpora.

For every fold r < K, trains with `majlis text train --holdout K --fold r
OPTIONS... FILES` (lines i % K == r held out of every file), predicts the
held-out lines with `majlis text sentiment` (pos/neg-only corpora with
`--labels pos,neg`), and pools the predictions of all folds: every line of
every file is predicted once by a model that did not see it.  Dev files (-dev)
are predicted by every fold's model; their figures are the mean over folds.
Prints accuracy, macro-F1 and F1-PN per file (`mixed` lines skipped).

usage: cv.py MAJLIS_BINARY K 'TRAIN OPTIONS' TRAIN.tsv... [--dev DEV.tsv...] [--also FILE.tsv...]
  --also: files never trained on, predicted like dev files (e.g. MAC)
"""
import os, subprocess, sys, tempfile


def read(path):
    rows = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if "\t" in line:
                lab, txt = line.split("\t", 1)
                rows.append((lab, txt))
            else:
                rows.append(None)  # kept so that line numbers match the CLI's
    return rows


def predict(binary, model, texts, labels):
    args = [binary, "text", "sentiment", "--model", model] + (["--labels", labels] if labels else [])
    out = subprocess.run(args, input="".join(t.replace("\n", " ").replace("\r", " ") + "\n" for t in texts),
                         capture_output=True, text=True, check=True).stdout.split("\n")
    return [o.split("\t")[0] for o in out[: len(texts)]]


def scores(gold, pred):
    labs = sorted(set(gold))
    f1 = {}
    for l in labs:
        tp = sum(g == l and p == l for g, p in zip(gold, pred))
        fp = sum(g != l and p == l for g, p in zip(gold, pred))
        fn = sum(g == l and p != l for g, p in zip(gold, pred))
        f1[l] = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    acc = sum(g == p for g, p in zip(gold, pred)) / len(gold)
    pn = [f1[l] for l in ("pos", "neg") if l in f1]
    return acc, sum(f1.values()) / len(f1), sum(pn) / len(pn)


def main():
    a = sys.argv[1:]
    binary, K, opts = a[0], int(a[1]), a[2].split()
    rest = a[3:]
    def section(flag):
        if flag not in rest:
            return []
        i = rest.index(flag)
        j = i + 1
        while j < len(rest) and not rest[j].startswith("--"):
            j += 1
        return rest[i + 1:j]
    dev, also = section("--dev"), section("--also")
    train = [x for x in rest if x not in dev and x not in also and not x.startswith("--")]
    data = {p: read(p) for p in train + dev + also}
    binary_only = {p: not any(r and r[0] == "neu" for r in rows) for p, rows in data.items()}
    pooled = {p: ([], []) for p in train}
    fold_scores = {p: [] for p in dev + also}
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(K):
            model = os.path.join(tmp, f"fold{r}.model")
            subprocess.run([binary, "text", "train", "--out", model, "--holdout", str(K), "--fold", str(r)] + opts + train,
                           check=True, capture_output=True)
            for p in train + dev + also:
                rows = [x for i, x in enumerate(data[p]) if x and x[0] in ("pos", "neg", "neu") and
                        (p not in train or i % K == r)]
                pred = predict(binary, model, [t for _, t in rows], "pos,neg" if binary_only[p] else None)
                gold = [l for l, _ in rows]
                if p in train:
                    pooled[p][0].extend(gold)
                    pooled[p][1].extend(pred)
                else:
                    fold_scores[p].append(scores(gold, pred))
            print(f"fold {r + 1}/{K} done", file=sys.stderr, flush=True)
    print(f"options: {' '.join(opts)}  folds: {K}")
    for p in train:
        acc, mf, pn = scores(*pooled[p])
        print(f"{os.path.basename(p):28s} n={len(pooled[p][0]):6d} accuracy={acc:.4f} macro_f1={mf:.4f} f1_pn={pn:.4f}"
              + ("  (pos,neg)" if binary_only[p] else ""))
    for p in dev + also:
        s = fold_scores[p]
        m = [sum(x[i] for x in s) / len(s) for i in range(3)]
        print(f"{os.path.basename(p):28s} mean of {K} models: accuracy={m[0]:.4f} macro_f1={m[1]:.4f} f1_pn={m[2]:.4f}"
              + ("  (pos,neg)" if binary_only[p] else ""))


main()
