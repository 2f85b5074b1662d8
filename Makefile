# The two commands a newcomer types (see README): `make demo` and `make test`.
.PHONY: demo test serve lint

demo:
	@bash scripts/demo.sh

test:
	@bash scripts/test.sh

lint:
	@.venv/bin/ruff check xueji tests benchmarks
