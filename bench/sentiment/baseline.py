#!/usr/bin/python3
"""The README's linear baseline, rebuilt on our own splits, to compare like with like.

Per corpus: text normalised by `majlis text normalize`, TF-IDF character
2-5-grams (word-bounded) plus word 1-2-grams, a linear classifier with C chosen
by 3-fold cross-validation on the training part.  Split: 0-based line i is held
out when i % 10 == 9 (as `majlis text train/eval --holdout 10`), or a separate
dev file.  Needs Debian's python3-sklearn (measurement only; not a dependency
of majlis).

usage: baseline.py MAJLIS_BINARY TRAIN.tsv [DEV.tsv] [--labels pos,neg]
       baseline.py MAJLIS_BINARY TRAIN.tsv --folds K [--labels pos,neg]
  --folds K: K-fold pooled predictions (lines i % K == r held out for fold r,
  as cv.py does), LinearSVC with C = 0.3 (what the grid search chose on every
  corpus here), to compare with cv.py's figures.
"""
import subprocess, sys
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import make_pipeline, make_union
from sklearn.svm import LinearSVC
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.metrics import accuracy_score, f1_score


def read(path):
    labels, texts = [], []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if "\t" not in line:
                continue
            lab, txt = line.split("\t", 1)
            labels.append(lab)
            texts.append(txt)
    return labels, texts


def normalise(binary, texts):
    out = subprocess.run([binary, "text", "normalize"], input="\n".join(t.replace("\n", " ") for t in texts) + "\n",
                         capture_output=True, text=True, check=True).stdout.split("\n")
    return out[: len(texts)]


def pipeline(clf):
    return make_pipeline(make_union(
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2),
        TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"\S+")), clf)


def folds(binary, train, K, allowed):
    y, x = read(train)
    keep = [i for i, l in enumerate(y) if l in ("pos", "neg", "neu") and (not allowed or l in allowed)]
    x = normalise(binary, [x[i] for i in keep])
    gold, pred = [], []
    for r in range(K):
        tr = [j for j, i in enumerate(keep) if i % K != r]
        te = [j for j, i in enumerate(keep) if i % K == r]
        model = pipeline(LinearSVC(C=0.3)).fit([x[j] for j in tr], [y[keep[j]] for j in tr])
        gold += [y[keep[j]] for j in te]
        pred += list(model.predict([x[j] for j in te]))
    pn = [l for l in ("pos", "neg") if l in set(gold)]
    print(f"{train.split('/')[-1]} LinearSVC C=0.3 folds={K} n={len(gold)} accuracy={accuracy_score(gold, pred):.4f} "
          f"macro_f1={f1_score(gold, pred, average='macro'):.4f} f1_pn={f1_score(gold, pred, labels=pn, average='macro'):.4f}")


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if "--folds" in sys.argv:
        K = sys.argv[sys.argv.index("--folds") + 1]
        args = [a for a in args if a != K]
    allowed = None
    if "--labels" in sys.argv:
        allowed = sys.argv[sys.argv.index("--labels") + 1].split(",")
        args = [a for a in args if a != sys.argv[sys.argv.index("--labels") + 1]]
    binary, train = args[0], args[1]
    if "--folds" in sys.argv:
        return folds(binary, train, int(K), allowed)
    y, x = read(train)
    if len(args) > 2:
        ty, tx = read(args[2])
    else:
        ty = [l for i, l in enumerate(y) if i % 10 == 9]
        tx = [t for i, t in enumerate(x) if i % 10 == 9]
        y = [l for i, l in enumerate(y) if i % 10 != 9]
        x = [t for i, t in enumerate(x) if i % 10 != 9]
    keep = [i for i, l in enumerate(y) if l in ("pos", "neg", "neu") and (not allowed or l in allowed)]
    y, x = [y[i] for i in keep], [x[i] for i in keep]
    keep = [i for i, l in enumerate(ty) if l in ("pos", "neg", "neu") and (not allowed or l in allowed)]
    ty, tx = [ty[i] for i in keep], [tx[i] for i in keep]
    x, tx = normalise(binary, x), normalise(binary, tx)
    for name, clf in (("LinearSVC", LinearSVC()), ("LogReg", LogisticRegression(max_iter=2000))):
        pipe = pipeline(clf)
        key = "linearsvc__C" if name == "LinearSVC" else "logisticregression__C"
        gs = GridSearchCV(pipe, {key: [0.1, 0.3, 1, 3, 10]}, cv=3, scoring="f1_macro", n_jobs=1)
        gs.fit(x, y)
        p = gs.predict(tx)
        pn = [l for l in ("pos", "neg") if l in set(ty)]
        print(f"{train.split('/')[-1]} {name} C={gs.best_params_[key]} n={len(tx)} "
              f"accuracy={accuracy_score(ty, p):.4f} macro_f1={f1_score(ty, p, average='macro'):.4f} "
              f"f1_pn={f1_score(ty, p, labels=pn, average='macro'):.4f}", flush=True)


main()
