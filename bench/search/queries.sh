#!/usr/bin/env bash
# bench/search/queries.sh DATA_DIR > queries.txt — query words drawn from the
# same text material as the documents, by frequency rank per language: 25
# frequent (ranks 1–300), 25 middling (ranks 500–3000), 25 rare (seen once or
# twice) for each of ar, fr, en, plus 30 two-word queries (a frequent and a
# middling word of one language). Words of at least 4 characters, without
# punctuation, URLs, @mentions or #tags. Deterministic (fixed random source).
set -euo pipefail
DATA=$1
export LC_ALL=C.UTF-8
seed() { yes 42 | head -c 1000000; }
words() { # lang
	cat "$DATA/$1"-*.tsv | cut -f2- | tr ' \t' '\n\n' |
		grep -v -E '^(https?:|www\.|@|#)' | sed -E 's/([[:punct:]]|«|»|…|“|”|’|؟|،|؛)+//g' |
		awk 'length($0) >= 4' | sort | uniq -c | sort -k1,1nr -k2 | awk '{print $2}'
}
for L in ar fr en; do
	words "$L" >"/tmp/qwords.$$.$L"
	sed -n '1,300p' "/tmp/qwords.$$.$L" | shuf -n 25 --random-source=<(seed) | tee "/tmp/qc.$$.$L"
	sed -n '500,3000p' "/tmp/qwords.$$.$L" | shuf -n 25 --random-source=<(seed) | tee "/tmp/qm.$$.$L"
	tail -n 3000 "/tmp/qwords.$$.$L" | shuf -n 25 --random-source=<(seed)
	paste -d' ' <(head -n 10 "/tmp/qc.$$.$L") <(head -n 10 "/tmp/qm.$$.$L")
done
rm -f /tmp/qwords.$$.* /tmp/qc.$$.* /tmp/qm.$$.*
