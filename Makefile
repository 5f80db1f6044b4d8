# rcd and rcctl: the only makefile. Objects go to $(BUILD)/ (build/ by
# default, build-asan/ for the sanitizer build).

BUILD    ?= build
PREFIX   ?= /usr/local
DESTDIR  ?=
CC       ?= cc
SAN      ?=
VERSION  := 0.1.0

PKGS     := jansson sqlite3 libcurl openssl
RCD_PKGS := libbson-1.0 zlib
EXAMPLES_DEBS := nginx-light apache2-bin logrotate openssl
DEBS     := build-essential pkg-config libev-dev libhttp-parser-dev \
            libjansson-dev libsqlite3-dev libssl-dev libcrypt-dev \
            libcurl4-openssl-dev libreadline-dev libbson-dev zlib1g-dev \
            bats parallel jq curl python3 sqlite3 zsh fish groff man-db \
            systemd $(EXAMPLES_DEBS)
BENCH_DEBS := nginx-light wrk

WARN     := -Wall -Wextra -Wshadow -Wformat=2 -Wstrict-prototypes \
            -Wmissing-prototypes -Werror
CFLAGS   ?= -O2 -g
ALL_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) \
            -D_FORTIFY_SOURCE=2 -fstack-protector-strong \
            -DRCD_VERSION='"$(VERSION)"' -MMD -MP $(CFLAGS)
LDLIBS_ALL = $(shell pkg-config --libs $(PKGS) 2>/dev/null)

ifeq ($(SAN),1)
ALL_CFLAGS := $(filter-out -D_FORTIFY_SOURCE=2,$(ALL_CFLAGS)) -O1 \
              -fsanitize=address,undefined -fno-sanitize-recover=all \
              -fno-omit-frame-pointer
SAN_LDFLAGS := -fsanitize=address,undefined
endif
ALL_CFLAGS += $(shell pkg-config --cflags $(PKGS) $(RCD_PKGS) 2>/dev/null)

SHARED_SRC := $(wildcard shared/*.c)
RCD_SRC    := $(filter-out rcd/main.c,$(wildcard rcd/*.c rcd/api/*.c rcd/store/*.c))
RCTL_SRC   := $(filter-out rcctl/main.c,$(wildcard rcctl/*.c rcctl/cmd/*.c))
UNIT_SRC   := $(wildcard tests/unit/*.c)
MIGRATIONS := $(sort $(wildcard rcd/store/migrations/*.sql))

OBJ        := $(BUILD)/obj
SHARED_OBJ := $(SHARED_SRC:%.c=$(OBJ)/%.o)
RCD_OBJ    := $(RCD_SRC:%.c=$(OBJ)/%.o) $(OBJ)/gen/migrations.o
RCTL_OBJ   := $(RCTL_SRC:%.c=$(OBJ)/%.o)
UNIT_OBJ   := $(UNIT_SRC:%.c=$(OBJ)/%.o)

RCD_LIBS   := -lev -lhttp_parser -lcrypt $(LDLIBS_ALL) \
              $(shell pkg-config --libs $(RCD_PKGS) 2>/dev/null) -lm
RCTL_LIBS  := -lreadline $(LDLIBS_ALL) -lm

.PHONY: all check test check-asan unit run deps bench-deps install clean fmt bench \
        docs

all: $(BUILD)/rcd $(BUILD)/rcctl

$(BUILD)/libshared.a: $(SHARED_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/librcd.a: $(RCD_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/librcctl.a: $(RCTL_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/rcd: $(OBJ)/rcd/main.o $(BUILD)/librcd.a $(BUILD)/libshared.a
	$(CC) $(SAN_LDFLAGS) -o $@ $^ $(RCD_LIBS)

$(BUILD)/rcctl: $(OBJ)/rcctl/main.o $(BUILD)/librcctl.a $(BUILD)/libshared.a
	$(CC) $(SAN_LDFLAGS) -o $@ $^ $(RCTL_LIBS)

$(BUILD)/test_unit: $(UNIT_OBJ) $(BUILD)/librcd.a $(BUILD)/librcctl.a $(BUILD)/libshared.a
	$(CC) $(SAN_LDFLAGS) -o $@ $^ $(RCD_LIBS) -lreadline

# A test tool: writes mongodump-shaped folders for tests/rcd/import.bats
# and bench/import.sh.
$(BUILD)/mkdump: $(OBJ)/tests/tools/mkdump.o $(BUILD)/libshared.a
	$(CC) $(SAN_LDFLAGS) -o $@ $^ $(RCD_LIBS)

$(OBJ)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# The migrations are embedded as C strings, in file-name order.
$(OBJ)/gen/migrations.c: $(MIGRATIONS) Makefile
	@mkdir -p $(dir $@)
	@{ echo '/* generated from the files in rcd/store/migrations; do not edit */'; \
	   echo '#include <stddef.h>'; \
	   echo 'const char *const store_migrations[] = {'; \
	   for f in $(MIGRATIONS); do \
	     sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/    "/' -e 's/$$/\\n"/' $$f; \
	     echo '    ,'; \
	   done; \
	   echo '    NULL'; echo '};'; } > $@

$(OBJ)/gen/migrations.o: $(OBJ)/gen/migrations.c
	$(CC) $(filter-out -Wmissing-prototypes,$(ALL_CFLAGS)) -c -o $@ $<

# Tests: unit tests, then the bats suites against the binaries just built.
check test: all $(BUILD)/test_unit $(BUILD)/mkdump
	@tests/run.sh $(BUILD)

unit: $(BUILD)/test_unit
	$(BUILD)/test_unit

check-asan:
	$(MAKE) BUILD=build-asan SAN=1 check

run: deps all
	@mkdir -p var
	@echo "rcd: starting on http://127.0.0.1:$${PORT:-3000} with var/rcd.db (Ctrl-C stops it)"
	@echo "rcd: log in with:  $(BUILD)/rcctl login --url http://127.0.0.1:$${PORT:-3000} --user $${ADMIN_USERNAME:-admin} --password-file var/admin-password"
	RCD_ADMIN_PASSWORD_FILE=var/admin-password $(BUILD)/rcd --port $${PORT:-3000} --db var/rcd.db

deps:
	@missing=$$(for p in $(DEBS); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; \
	  done | tr '\n' ' '); \
	if [ -z "$$missing" ]; then echo "deps: all installed"; \
	elif [ "$$(id -u)" = 0 ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	else echo "deps: missing; run as root: apt-get install -y $$missing"; exit 1; fi

bench-deps:
	@$(MAKE) --no-print-directory deps DEBS="$(BENCH_DEBS)"

bench: all
	bench/me.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	  $(DESTDIR)$(PREFIX)/share/man/man8
	install -m 755 $(BUILD)/rcd $(BUILD)/rcctl $(DESTDIR)$(PREFIX)/bin/
	if [ -f docs/rcctl.1 ]; then install -m 644 docs/rcctl.1 $(DESTDIR)$(PREFIX)/share/man/man1/; fi
	if [ -f docs/rcd.8 ]; then install -m 644 docs/rcd.8 $(DESTDIR)$(PREFIX)/share/man/man8/; fi
	for f in $$(cd examples && find . -type f); do \
	  mode=644; [ -x examples/$$f ] && mode=755; \
	  install -D -m $$mode examples/$$f $(DESTDIR)$(PREFIX)/share/rcctl/examples/$$f || exit 1; \
	done
	if [ -f completions/rcctl.bash ]; then \
	  install -d $(DESTDIR)$(PREFIX)/share/bash-completion/completions && \
	  install -m 644 completions/rcctl.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/rcctl; fi
	if [ -f completions/_rcctl ]; then \
	  install -d $(DESTDIR)$(PREFIX)/share/zsh/vendor-completions && \
	  install -m 644 completions/_rcctl $(DESTDIR)$(PREFIX)/share/zsh/vendor-completions/_rcctl; fi
	if [ -f completions/rcctl.fish ]; then \
	  install -d $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d && \
	  install -m 644 completions/rcctl.fish $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/rcctl.fish; fi

# docs/rcctl.1 comes from the command table (tests/rcctl/docs.bats fails
# when it is stale); docs/rcd.8 is written by hand.
docs: $(BUILD)/rcctl
	$(BUILD)/rcctl __man > docs/rcctl.1.tmp && mv docs/rcctl.1.tmp docs/rcctl.1

fmt:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf build build-asan

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
