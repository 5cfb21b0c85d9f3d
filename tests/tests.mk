# tests/tests.mk - make check: install what the tests need, then unit tests (plain,
# under valgrind and with ASan/UBSan), end-to-end tests on fixture roots and the
# Debian corpus (plain and with ASan/UBSan), the portable build against the standard
# one, Debian's real kernel booted under qemu, and the man page lint.

-include tests/unit/unit.mk

# Dependencies first, in their own make run: the flags above come from pkg-config.
check:
	@sh tools/install-deps.sh test
	@$(MAKE) --no-print-directory check-all

check-all: kdetect check-man check-unit check-unit-valgrind check-unit-asan check-e2e check-e2e-asan

# Every fixture scan runs with both builds: the portable binary must report the same.
check-e2e: kdetect kdetect-static
	@KD_SAME_AS=./kdetect-static bash tests/e2e.sh
	@KD_SAME_AS=./kdetect-static bash tests/e2e-userland.sh
	@KD_SAME_AS=./kdetect-static bash tests/e2e-boot.sh
	@KD_SAME_AS=./kdetect-static bash tests/e2e-drivers.sh
	@KD_SAME_AS=./kdetect-static bash tests/e2e-cli.sh
	@bash tests/e2e-portable.sh
	@bash tests/e2e-qemu.sh

# The whole end-to-end suite again with a sanitizer build of the program.
build/asan/kdetect: build/asan/obj/main.o $(UNIT_ASAN_OBJS)
	$(CC) $(UNIT_ASAN_FLAGS) $(KD_LDFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

check-e2e-asan: build/asan/kdetect
	@$(UNIT_ASAN_ENV) KD=build/asan/kdetect KD_SANITIZER=1 bash tests/e2e.sh
	@$(UNIT_ASAN_ENV) KD=build/asan/kdetect KD_SANITIZER=1 bash tests/e2e-userland.sh
	@$(UNIT_ASAN_ENV) KD=build/asan/kdetect KD_SANITIZER=1 bash tests/e2e-boot.sh
	@$(UNIT_ASAN_ENV) KD=build/asan/kdetect KD_SANITIZER=1 bash tests/e2e-drivers.sh
	@$(UNIT_ASAN_ENV) KD=build/asan/kdetect KD_SANITIZER=1 bash tests/e2e-cli.sh

check-man: kdetect
	@mandoc -Tlint -W warning man/kdetect.8 man/kdetect.rules.5
	@bash tests/check-man.sh

.PHONY: check check-all check-e2e check-e2e-asan check-man
