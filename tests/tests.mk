# tests/tests.mk - make check: install what the tests need, then every suite, each to its
# end whatever the others did (tests/run-suites.sh; logs in build/test/logs/): the man page
# lint, the layer rule of src/, unit tests (plain, under valgrind and with ASan/UBSan),
# end-to-end tests on fixture roots and the Debian corpus, the portable build against the standard one, Debian's real
# kernel booted under qemu, and the end-to-end tests again with ASan/UBSan. One line per
# suite, then "check: N passed, N failed" (the sums of the suites' assertion counts).

-include tests/unit/unit.mk

# Suites as NAME=COMMAND (run with bash from the repository root).
SUITES_MAN := 'man=bash tests/check-man.sh'
# The layer rule of src/ (src/README.md): no include cycle, no upward include, OpenSSL in crypto/.
SUITES_LAYERS := 'layers=bash tests/check-layers.sh'
SUITES_UNIT := \
	'unit=$(MAKE) --no-print-directory check-unit' \
	'unit-valgrind=$(MAKE) --no-print-directory check-unit-valgrind' \
	'unit-asan=$(MAKE) --no-print-directory check-unit-asan'
# Every fixture scan runs with both builds: the portable binary must report the same.
SUITES_E2E := \
	'e2e=KD_SAME_AS=./kdetect-static bash tests/e2e.sh' \
	'e2e-userland=KD_SAME_AS=./kdetect-static bash tests/e2e-userland.sh' \
	'e2e-boot=KD_SAME_AS=./kdetect-static bash tests/e2e-boot.sh' \
	'e2e-drivers=KD_SAME_AS=./kdetect-static bash tests/e2e-drivers.sh' \
	'e2e-windows=KD_SAME_AS=./kdetect-static bash tests/e2e-windows.sh' \
	'e2e-cli=KD_SAME_AS=./kdetect-static bash tests/e2e-cli.sh' \
	'e2e-cloud=KD_SAME_AS=./kdetect-static bash tests/e2e-cloud.sh' \
	'e2e-trixie=KD_SAME_AS=./kdetect-static bash tests/e2e-trixie.sh' \
	'e2e-containers=KD_SAME_AS=./kdetect-static bash tests/e2e-containers.sh' \
	'e2e-initrd=KD_SAME_AS=./kdetect-static bash tests/e2e-initrd.sh' \
	'e2e-modconf=KD_SAME_AS=./kdetect-static bash tests/e2e-modconf.sh' \
	'e2e-portable=bash tests/e2e-portable.sh' \
	'e2e-qemu=bash tests/e2e-qemu.sh'
# The end-to-end suites again with a sanitizer build of the program.
KD_ASAN_RUN = $(MAKE) --no-print-directory build/asan/kdetect && \
	$(UNIT_ASAN_ENV) KD=build/asan/kdetect KD_SANITIZER=1 bash
SUITES_E2E_ASAN := \
	'e2e-asan=$(KD_ASAN_RUN) tests/e2e.sh' \
	'e2e-userland-asan=$(KD_ASAN_RUN) tests/e2e-userland.sh' \
	'e2e-boot-asan=$(KD_ASAN_RUN) tests/e2e-boot.sh' \
	'e2e-drivers-asan=$(KD_ASAN_RUN) tests/e2e-drivers.sh' \
	'e2e-windows-asan=$(KD_ASAN_RUN) tests/e2e-windows.sh' \
	'e2e-cli-asan=$(KD_ASAN_RUN) tests/e2e-cli.sh' \
	'e2e-containers-asan=$(KD_ASAN_RUN) tests/e2e-containers.sh' \
	'e2e-initrd-asan=$(KD_ASAN_RUN) tests/e2e-initrd.sh' \
	'e2e-modconf-asan=$(KD_ASAN_RUN) tests/e2e-modconf.sh'

# Dependencies first, in their own make run: the flags above come from pkg-config.
check:
	@sh tools/install-deps.sh test
	@$(MAKE) --no-print-directory check-all

# (+: a recursive make line: the suites' make runs share this one's jobs; under make -n the
# runner only lists the suites)
check-all: kdetect kdetect-static
	+@bash tests/run-suites.sh -n check $(SUITES_MAN) $(SUITES_LAYERS) $(SUITES_UNIT) $(SUITES_E2E) $(SUITES_E2E_ASAN)

check-e2e: kdetect kdetect-static
	+@bash tests/run-suites.sh -n check-e2e $(SUITES_E2E)

build/asan/kdetect: build/asan/obj/main.o $(UNIT_ASAN_OBJS)
	$(CC) $(UNIT_ASAN_FLAGS) $(KD_LDFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

check-e2e-asan:
	+@bash tests/run-suites.sh -n check-e2e-asan $(SUITES_E2E_ASAN)

check-man: kdetect
	@bash tests/check-man.sh

check-layers:
	@bash tests/check-layers.sh

.PHONY: check check-all check-e2e check-e2e-asan check-man check-layers
