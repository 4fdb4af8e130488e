PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench bench-learn soak soak-walk clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed (set PYTHON=/path/to/python3.11)"; exit 1; }
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	@$(BIN)/python -m annotator.qt_libs --install
	$(BIN)/annotator

test: $(STAMP)
	$(BIN)/lint-imports --no-cache
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q

# The model-based walk, long: WALK_STEPS steps for each seed of WALK_SEEDS (printed on failure).
WALK_STEPS ?= 2000
WALK_SEEDS ?= 1 2 3 4 5 6 7 8
soak-walk: $(STAMP)
	@failed=""; for seed in $(WALK_SEEDS); do \
		echo "walk seed $$seed, $(WALK_STEPS) steps"; \
		WALK_SEED=$$seed WALK_STEPS=$(WALK_STEPS) QT_QPA_PLATFORM=offscreen \
			$(BIN)/python -m pytest -q -x --timeout 0 tests/ui/test_walk.py \
			|| failed="$$failed $$seed"; \
	done; \
	if [ -n "$$failed" ]; then echo "walk failed for seed(s):$$failed"; exit 1; fi

lint: $(STAMP)
	$(BIN)/ruff check annotator tests bench

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

# Crash and corruption soak (several minutes; not part of `make test`): SIGKILL the window's
# edits, then import/export/link --auto, checking after each kill that nothing saved is lost;
# then the damaged-project cases (lost index, changed texts, wrong shapes, full disk, temps).
soak: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python bench/bench_kill.py --kills 300 --budget 300
	$(BIN)/python bench/bench_kill_cli.py --kills 60 --budget 300
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q tests/store/test_damage.py \
		tests/store/test_faults.py tests/e2e/test_big_import.py tests/ui/test_damage_ui.py \
		tests/e2e/test_kill.py
bench-learn: $(STAMP)  # learning curve of the learned model (skips without ../shared/eval)
	nice -n 19 $(BIN)/python bench/learning_curve.py
	nice -n 19 $(BIN)/python bench/bench_loop.py
	nice -n 19 $(BIN)/python bench/bench_loop.py --finished 100
	nice -n 19 $(BIN)/python bench/bench_loop.py --n 600 --finished 500 --rounds 3

clean:
	rm -rf $(VENV) build *.egg-info
