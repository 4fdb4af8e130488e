PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench clean soak-walk

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed (set PYTHON=/path/to/python3.11)"; exit 1; }
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/annotator

test: $(STAMP)
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

clean:
	rm -rf $(VENV) build *.egg-info
