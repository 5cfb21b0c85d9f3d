# tests/tests.mk - make check: dependencies, unit tests, end-to-end tests, man page lint.

-include tests/unit/unit.mk

check: check-deps kdetect check-unit check-e2e check-man

check-deps:
	@sh tools/install-deps.sh test

check-e2e: kdetect
	@bash tests/e2e.sh

check-man:
	@mandoc -Tlint -W warning man/kdetect.8
	@bash tests/check-man.sh

.PHONY: check-deps check-e2e check-man
