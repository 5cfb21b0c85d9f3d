# tests/unit/unit.mk - cmocka unit tests of the parsers in src/, fed hostile input.
# Included from tests/tests.mk and run from the repository root; uses LIB_OBJS,
# KD_CFLAGS, CFLAGS, KD_LDFLAGS, LDFLAGS, LIBS and PKG_CONFIG of the top Makefile.
# tests/unit/LAYER/test_X.c tests src/LAYER/X.c (test_crypto.c: cert.c and pkcs7.c);
# the helpers they share (unit.h, *fix.h) stay in tests/unit/. Program names are flat.
#
#   make check-unit            build build/unit/test_* and run each
#   make check-unit-valgrind   the same programs under valgrind (definite leaks fail)
#   make check-unit-asan       library and tests rebuilt with ASan+UBSan in build/asan/

UNIT_SRCS := $(sort $(wildcard tests/unit/*/test_*.c))
UNIT_HDRS := $(wildcard tests/unit/*.h)
UNIT_NAMES := $(sort $(notdir $(basename $(UNIT_SRCS))))
vpath test_%.c $(sort $(dir $(UNIT_SRCS)))
UNIT_BINS := $(addprefix build/unit/,$(UNIT_NAMES))
UNIT_ASAN_BINS := $(addprefix build/asan/,$(UNIT_NAMES))
UNIT_ASAN_OBJS := $(patsubst build/obj/%,build/asan/obj/%,$(LIB_OBJS))

UNIT_CMOCKA_CFLAGS := $(shell $(PKG_CONFIG) --cflags cmocka 2>/dev/null)
UNIT_CMOCKA_LIBS := $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null)
UNIT_CFLAGS = $(KD_CFLAGS) $(CFLAGS) -Isrc -Itests/unit $(UNIT_CMOCKA_CFLAGS)
UNIT_LDLIBS = $(LIBS) $(UNIT_CMOCKA_LIBS)
# _FORTIFY_SOURCE and ASan intercept the same functions; let ASan do it alone.
UNIT_ASAN_FLAGS := -U_FORTIFY_SOURCE -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all
UNIT_VALGRIND ?= valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite
UNIT_ASAN_ENV := ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:strict_string_checks=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

# Run each program in $(1) with the prefix $(2); report every failure, then fail.
define unit_run
	@failed=; for t in $(1); do \
		echo "== $$t"; \
		$(2) $$t || failed="$$failed $$t"; \
	done; \
	if [ -n "$$failed" ]; then echo "unit tests FAILED:$$failed" >&2; exit 1; fi; \
	echo "all unit tests passed: $(notdir $(1))"
endef

build/unit build/asan/obj:
	mkdir -p $@

build/unit/test_%: test_%.c $(UNIT_HDRS) $(LIB_OBJS) | build/unit
	$(CC) $(UNIT_CFLAGS) $(KD_LDFLAGS) $(LDFLAGS) -o $@ $< $(LIB_OBJS) $(UNIT_LDLIBS)

build/asan/obj/%.o: src/%.c $(HDRS) | build/asan/obj
	@mkdir -p $(@D)
	$(CC) $(KD_CFLAGS) $(CFLAGS) $(UNIT_ASAN_FLAGS) -c -o $@ $<

build/asan/obj/embedded.o: build/embedded.S | build/asan/obj
	$(CC) -c -o $@ $<

build/asan/test_%: test_%.c $(UNIT_HDRS) $(UNIT_ASAN_OBJS) | build/asan/obj
	$(CC) $(UNIT_CFLAGS) $(UNIT_ASAN_FLAGS) $(KD_LDFLAGS) $(LDFLAGS) -o $@ $< \
		$(UNIT_ASAN_OBJS) $(UNIT_LDLIBS)

check-unit: $(UNIT_BINS)
	$(call unit_run,$(UNIT_BINS),)

check-unit-valgrind: $(UNIT_BINS)
	$(call unit_run,$(UNIT_BINS),$(UNIT_VALGRIND))

check-unit-asan: $(UNIT_ASAN_BINS)
	$(call unit_run,$(UNIT_ASAN_BINS),$(UNIT_ASAN_ENV))

.PHONY: check-unit check-unit-valgrind check-unit-asan
# the test programs are outputs, not intermediates: keep them for re-runs and debuggers
.SECONDARY: $(UNIT_BINS) $(UNIT_ASAN_BINS) $(UNIT_ASAN_OBJS)

# The RPM database readers' tests read databases the real tools wrote (rpmbuild, rpm,
# db_load: tests/mkrpmdb.sh); made once, before those tests are built.
build/unit/rpmdb/.made: tests/mkrpmdb.sh
	bash tests/mkrpmdb.sh build/unit/rpmdb >build/unit/mkrpmdb.log 2>&1 || \
		{ cat build/unit/mkrpmdb.log >&2; exit 1; }
	touch $@
build/unit/test_rpmbdb build/unit/test_rpmndb build/asan/test_rpmbdb build/asan/test_rpmndb: \
	| build/unit/rpmdb/.made

# The Windows registry readers' tests read hives hivexregedit wrote (tests/mkhives.sh) and
# the hostile variants of one (tests/hive-break.py).
build/unit/hives/.made: tests/mkhives.sh tests/mkhive.py tests/hive-break.py
	rm -rf build/unit/hives
	bash tests/mkhives.sh build/unit/hives >build/unit/mkhives.log 2>&1 && \
	python3 tests/hive-break.py build/unit/hives/kics/Windows/System32/config/SYSTEM \
		build/unit/hives/break >>build/unit/mkhives.log 2>&1 || \
		{ cat build/unit/mkhives.log >&2; exit 1; }
	touch $@
build/unit/test_registry build/asan/test_registry: | build/unit/hives/.made
