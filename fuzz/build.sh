#!/bin/sh
# Builds the libFuzzer harnesses into build-fuzz/ (or $FUZZ_OUT):
#   fuzz/build.sh [NAME...]      NAME = any fuzz/NAME.c listed in srcs_for below (default all)
# Library sources are compiled with -fsanitize=fuzzer-no-link,address,undefined;
# each harness is linked with -fsanitize=fuzzer,address,undefined.
# Run one:  build-fuzz/fuzz_urlenc -max_total_time=60 build-fuzz/corpus-urlenc fuzz/corpus/fuzz_urlenc
set -eu
cd "$(dirname "$0")/.."
OUT=${FUZZ_OUT:-build-fuzz}
CC=${FUZZ_CC:-clang}
PKGS="libmicrohttpd sqlite3 jansson libsodium libcurl libcmark libutf8proc zlib libcrypto"
PKG_CFLAGS=$(pkg-config --cflags $PKGS)
PKG_LIBS="$(pkg-config --libs $PKGS) -lstemmer -llinear -lcsv -lm -lpthread"
CFLAGS="-std=c17 -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer -fno-sanitize-recover=all -Wall -Wextra -Werror -Wno-unused-parameter -Isrc $PKG_CFLAGS"

# The library files each harness needs (kept minimal so that a feature folder
# being edited elsewhere does not break the fuzz build).
COMMON="src/core/arena.c src/core/strbuf.c src/core/util.c src/core/log.c"
srcs_for() {
	case "$1" in
	fuzz_urlenc) echo "$COMMON src/http/kv.c src/http/urlenc.c" ;;
	fuzz_cookie) echo "$COMMON src/http/kv.c src/http/cookie.c" ;;
	fuzz_markdown) echo "$COMMON src/web/markdown.c" ;;
	fuzz_open311) echo "$COMMON src/http/kv.c src/http/urlenc.c src/features/requests/open311_args.c" ;;
	fuzz_csv_analyze) echo "$COMMON $(ls src/text/*.c | grep -v -e cli.c) src/features/insight/analyze.c src/features/insight/csv.c" ;;
	fuzz_text) echo "$COMMON $(ls src/text/*.c | grep -v -e cli.c -e sentiment_default.c)" ;;
	fuzz_multipart) echo "$COMMON src/core/config.c src/http/kv.c src/http/urlenc.c src/http/cookie.c src/http/csrf.c src/http/auth.c src/http/router.c src/http/response.c src/http/pagecache.c src/http/server.c" ;;
	*) echo "fuzz/build.sh: unknown harness $1" >&2; return 1 ;;
	esac
}

NAMES=${*:-fuzz_urlenc fuzz_cookie fuzz_markdown fuzz_open311 fuzz_multipart fuzz_csv_analyze fuzz_text}
mkdir -p "$OUT/obj"
for name in $NAMES; do
	objs=""
	for src in $(srcs_for "$name"); do
		obj="$OUT/obj/$(echo "$src" | tr / _ | sed 's/\.c$/.o/')"
		# Rebuild when the source or any header under src/ is newer than the object.
		if [ ! -e "$obj" ] || [ -n "$(find "$src" src -name '*.h' -newer "$obj" 2>/dev/null | head -1)" ] || [ "$src" -nt "$obj" ]; then
			$CC $CFLAGS -fsanitize=fuzzer-no-link,address,undefined -c -o "$obj" "$src"
		fi
		objs="$objs $obj"
	done
	$CC $CFLAGS -fsanitize=fuzzer,address,undefined -o "$OUT/$name" "fuzz/$name.c" $objs $PKG_LIBS
	echo "built $OUT/$name"
done
