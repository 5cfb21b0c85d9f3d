# tests/tests.mk - make check: install what the tests need, then unit tests,
# end-to-end tests on fixture roots and the Debian corpus, and the man page lint.

-include tests/unit/unit.mk

# Dependencies first, in their own make run: the flags above come from pkg-config.
check:
	@sh tools/install-deps.sh test
	@$(MAKE) --no-print-directory check-all

check-all: kdetect check-unit check-e2e check-man

check-e2e: kdetect
	@bash tests/e2e.sh

check-man: kdetect
	@mandoc -Tlint -W warning man/kdetect.8
	@bash tests/check-man.sh

.PHONY: check check-all check-e2e check-man
