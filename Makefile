# Entry points a newcomer types. See README.md.
SWIFT   ?= swift
PYTHON  ?= /usr/bin/python3
BIN     := .build/debug/kampagne
DEMO_DB := demo/kampagne.sqlite
K       := KAMPAGNE_DB=$(DEMO_DB) $(BIN)

# Debian packages the build and `make demo` need ...
APT_PACKAGES      := libsqlite3-dev libcurl4-openssl-dev sqlite3
# ... and what the tests add (the SMTP test server, pytest, Selenium's browser, certificates,
# systemd-analyze for the unit file, setpriv for the doctor's permission test, dovecot for the
# bounce mailbox, pdftotext for the print test).
APT_TEST_PACKAGES := python3 python3-pytest python3-aiosmtpd python3-venv openssl time chromium chromium-driver dovecot-imapd systemd util-linux poppler-utils spamassassin
# PyPI packages the end-to-end tests need, in a venv that also sees Debian's aiosmtpd.
VENV         := .venv-e2e
PIP_PACKAGES := icalendar==6.1.3 selenium==4.51.0 axe-selenium-python==2.1.6

.PHONY: deps test-deps venv build demo test unit e2e bench bench-build bench-detail bench-deps clean-demo

# Installs those of the Debian packages in $(1) that are missing.
define apt_install
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" -eq 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi
endef

deps:
	$(call apt_install,$(APT_PACKAGES))

test-deps: deps
	$(call apt_install,$(APT_TEST_PACKAGES))

$(VENV)/.installed: Makefile
	$(PYTHON) -m venv --system-site-packages $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check $(PIP_PACKAGES)
	touch $@

venv: test-deps $(VENV)/.installed

build: deps
	$(SWIFT) build --product kampagne

# The main job on the embedded default: a SQLite file and the bundled sample lists.
demo: build
	@mkdir -p demo
	$(K) init
	$(K) contacts import Contacts/jobcenterchefer.csv --list Jobcenterchefer --role jobcenterchef --source "Eksempeldata"
	$(K) contacts import Contacts/lbr-medlemmer.csv --list LBR-medlemmer --role lbr-medlem --source "Eksempeldata"
	$(K) contacts import Contacts/virksomheder.csv --list Virksomheder --role virksomhed --source "Eksempeldata"
	$(K) contacts import Contacts/sprogcentre.csv --list Sprogcentre --role sprogcenter --source "Eksempeldata"
	$(K) lists list
	$(K) contacts list --role jobcenterchef --region "Region Syddanmark"
	$(K) newsletter list --json | grep -q '"id"' || $(K) newsletter create examples/nyhedsbrev-nr-14.md
	$(K) outbox status --json | grep -q '"campaignId"' || $(K) newsletter send 1 --list Jobcenterchefer --list LBR-medlemmer
	$(K) events list --all --json | grep -q '"id"' || $(K) events create examples/temamoede-vejle.md
	$(K) events invite 1
	$(K) events register 1 --email birgitte.holm@jobcenter-vejle.example --name "Birgitte Holm" --organisation "Jobcenter Vejle" --municipality Vejle --answer kost=vegetar
	$(K) stories list --json | grep -q '"id"' || $(K) stories import examples/historie-hotel-fjordlys.md
	$(K) stories check 1 || echo "(historien mangler samtykke: se docs/stories.md)"
	$(K) outbox run
	$(K) events show 1
	$(K) outbox status
	$(K) activity list --json | grep -q '"id"' || { \
	  $(K) activity add --kind leaflet --date "$$(date +%F)" --title "Pjecer om jobpakker på jobmessen" --count 250 --partner DA; \
	  $(K) activity add --kind talk --date "$$(date +%F)" --title "Oplæg om virksomhedsrettet integration" --count 60 --partner LO; }
	$(K) report --from "$$(date -d '-1 year' +%F)" --to "$$(date -d '+1 year' +%F)" --by partner --html demo/rapport.html --csv demo/rapport
	@echo "Nyhedsbrevet, invitationerne og bekræftelsen ligger som .eml-filer i demo/maildir/new/ ($$(ls demo/maildir/new | wc -l) filer)"
	@echo "Aktivitetsrapporten ligger i demo/rapport.html (tabellerne i demo/rapport/)"

test: test-deps unit e2e

unit:
	$(SWIFT) test

e2e: venv
	$(SWIFT) build --product kampagne
	KAMPAGNE_BIN=$(CURDIR)/$(BIN) $(VENV)/bin/python -m pytest -q Tests/e2e

BENCH_PACKAGES := postfix wrk nginx-light valgrind time curl linux-perf

# Issue 16: every job as a ratio to its anchor in the same run (bench/ratios.sh). Every bench
# script measures the release build made by bench/release-build.sh in its own scratch path
# (.build-release), so it never fights the debug build in .build.
bench: bench-deps
	bench/ratios.sh

bench-build: deps
	bench/release-build.sh

# The older per-area scripts (absolute figures, several connection counts).
bench-detail: bench-deps
	bench/run.sh
	bench/smtp.sh
	bench/web.sh

# postfix without configuration (only smtp-sink and smtp-source are used), wrk, nginx-light
# (bench servers bind loopback on free ports; nginx runs from a throwaway config).
bench-deps: deps
	@echo "postfix postfix/main_mailer_type select No configuration" | $$( [ "$$(id -u)" -eq 0 ] || echo sudo ) debconf-set-selections
	$(call apt_install,$(BENCH_PACKAGES))

clean-demo:
	rm -rf demo
