# kdetect - find Kaspersky code with administrative privileges, and prove it.

VERSION := 0.1.0
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share/kdetect
DESTDIR ?=

CC ?= cc
PKG_CONFIG ?= pkg-config
PKGS := libelf libkmod libudev libcrypto liblzma libzstd zlib liblz4 lzo2 hivex
WERROR ?= $(if $(CI),-Werror,)
CFLAGS ?= -O2 -g
KD_CFLAGS := -std=c11 -D_GNU_SOURCE -Wall -Wextra $(WERROR) -fstack-protector-strong \
	-D_FORTIFY_SOURCE=2 -DKDETECT_VERSION='"$(VERSION)"' \
	$(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
KD_LDFLAGS := -Wl,-z,relro -Wl,-z,now
LIBS := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null) -lbz2 -lpthread

# src/ holds one folder per layer (src/README.md); #include "layer/file.h" resolves from src/.
SRCS := $(sort $(wildcard src/*/*.c src/*/*/*.c)) src/main.c
HDRS := $(wildcard src/*/*.h src/*/*/*.h)
KD_CFLAGS += -Isrc
OBJS := $(patsubst src/%.c,build/obj/%.o,$(SRCS)) build/obj/embedded.o
LIB_OBJS := $(filter-out build/obj/main.o,$(OBJS))
RULE_FILES := $(sort $(wildcard rules/*.rules))
CERT_FILES := $(sort $(wildcard rules/certs/*))

all: kdetect

kdetect: $(OBJS)
	$(CC) $(CFLAGS) $(KD_LDFLAGS) $(LDFLAGS) -o $@ $(OBJS) $(LIBS)

build/obj/%.o: src/%.c $(HDRS) | build/obj
	@mkdir -p $(@D)
	$(CC) $(KD_CFLAGS) $(CFLAGS) -c -o $@ $<

# The default rules and pinned certificates go into the binary: one file on a USB stick.
build/embedded.S: $(RULE_FILES) $(CERT_FILES) tools/gen-embedded.sh | build/obj
	sh tools/gen-embedded.sh $(RULE_FILES) $(CERT_FILES) > $@

build/obj/embedded.o: build/embedded.S
	$(CC) -c -o $@ $<

build/obj:
	mkdir -p $@

# The portable build: one static binary for an auditor's USB stick. libkmod and libudev
# ship no static library on Debian; KD_PORTABLE selects the project's own readers instead.
# (The link warns that libcrypto's unused dlopen and resolver code needs glibc at runtime:
# kdetect never loads providers or resolves names.)
PORTABLE_OBJS := $(patsubst src/%.c,build/portable/obj/%.o,$(SRCS)) build/obj/embedded.o
PORTABLE_LIBS := -lhivex -lelf -lcrypto -lzstd -llzma -llz4 -llzo2 -lbz2 -lz -lpthread -ldl

portable: kdetect-static

kdetect-static: $(PORTABLE_OBJS)
	@rm -f $@
	$(CC) -static -s $(CFLAGS) $(LDFLAGS) -o $@ $(PORTABLE_OBJS) $(PORTABLE_LIBS) \
		2>build/portable/link.log || { cat build/portable/link.log; exit 1; }
	@grep -v "statically linked applications requires at runtime\|in function \`" \
		build/portable/link.log || true

build/portable/obj/%.o: src/%.c $(HDRS) | build/portable/obj
	@mkdir -p $(@D)
	$(CC) $(KD_CFLAGS) -DKD_PORTABLE $(CFLAGS) -c -o $@ $<

build/portable/obj:
	mkdir -p $@

include tests/tests.mk

# One command on a fresh machine: install what the build needs, build, scan this host.
# make's own exit status is 2 for any failure, so print kdetect's (see kdetect(8)).
scan:
	@sh tools/install-deps.sh build
	@$(MAKE) --no-print-directory kdetect
	@./kdetect scan; echo "kdetect exit status: $$? (0 nothing found, 1 findings, 3 incomplete)"

deps:
	sh tools/install-deps.sh build

install: kdetect
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(DATADIR)
	install -m 755 kdetect $(DESTDIR)$(SBINDIR)/kdetect
	install -m 644 man/kdetect.8 $(DESTDIR)$(MANDIR)/man8/kdetect.8
	install -m 644 man/kdetect.rules.5 $(DESTDIR)$(MANDIR)/man5/kdetect.rules.5
	install -m 644 src/report/report.schema.json $(DESTDIR)$(DATADIR)/kdetect-report.schema.json

clean:
	rm -rf build kdetect kdetect-static

.PHONY: all portable scan deps install clean check
