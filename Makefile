# majlis — one binary. `make` builds build/majlis; `make SAN=1` builds build-asan/majlis
# with AddressSanitizer + UndefinedBehaviorSanitizer. Sources are picked up by wildcard
# so that a new file in a feature folder needs no edit here.

PKGS    := libmicrohttpd sqlite3 jansson libsodium libcurl libcmark libutf8proc zlib libcrypto
# libstemmer, liblinear and libcsv ship no .pc file: linked by name.
EXTRA_LIBS := -lstemmer -llinear -lcsv -lm -lpthread

ifeq ($(SAN),1)
  ifeq ($(origin CC),default)
    CC := clang
  endif
  BUILD   := build-asan
  SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -g -O1
else
  BUILD   := build
  SANFLAGS := -O2 -g
endif

CFLAGS  ?=
CFLAGS  += -std=c17 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-unused-parameter \
           -Isrc -I$(BUILD)/gen $(SANFLAGS) $(shell pkg-config --cflags $(PKGS))
LDLIBS  := $(shell pkg-config --libs $(PKGS)) $(EXTRA_LIBS)

LIB_SRC  := $(sort $(wildcard src/core/*.c src/http/*.c src/store/*.c src/web/*.c src/text/*.c src/jobs/*.c \
             src/features/*/*.c src/app/*.c))
GEN_SRC  := $(BUILD)/gen/embedded.c
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/embedded.o
MAIN_OBJ := $(BUILD)/src/main.o
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
EMBED    := $(sort $(wildcard static/*.css static/*.js static/*.svg i18n/*.txt models/*.model))

.PHONY: all clean tests print-cflags print-ldlibs
all: $(BUILD)/majlis $(UNIT_BIN)
tests: $(UNIT_BIN)

$(BUILD)/majlis: $(MAIN_OBJ) $(BUILD)/libmajlis.a
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/libmajlis.a: $(LIB_OBJ)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/tests/%: tests/unit/%.c tests/unit/tap.h $(BUILD)/libmajlis.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/unit -o $@ $< $(BUILD)/libmajlis.a $(LDLIBS)

$(BUILD)/tools/embed: tools/embed.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -Wall -Wextra -Werror -o $@ $<

$(GEN_SRC): $(BUILD)/tools/embed $(EMBED)
	@mkdir -p $(dir $@)
	$(BUILD)/tools/embed $(EMBED) > $@.tmp && mv $@.tmp $@

$(BUILD)/gen/embedded.o: $(GEN_SRC)
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

clean:
	rm -rf build build-asan

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# Compile and link flags of a program built on libmajlis.a (the bench/ tools use
# them, so that a library added here is not forgotten there).
print-cflags:
	@echo $(shell pkg-config --cflags $(PKGS))
print-ldlibs:
	@echo $(LDLIBS)
