# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: demo test install migrate seed serve clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

demo: install
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py seed_demo
	@echo ""
	@echo "演示账号（密码均为 Chencang@2026）：admin staff reviewer member member2 unit unit2 leader sysadmin secadmin auditor"
	@echo "需要双因素验证码的账号（admin staff reviewer leader 及三员）共用演示密钥 JBSWY3DPEHPK3PXP，见 README"
	@echo "打开 http://127.0.0.1:$(PORT)/"
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: install
	$(VENV)/bin/pytest -q

clean:
	rm -rf $(VENV) db.sqlite3* var/test-uploads
