# faultline - see README.md.  The two commands: make run, make test.

CC ?= cc
CFLAGS_BASE := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wstrict-prototypes \
	-Wno-missing-field-initializers -g -O2 -MMD -MP -I.
# libunicorn is linked statically: its shared build binds ~74k relocations
# at start-up (4 ms), and the TLB-fill wrapper of emu/cpu/faststore.c and the
# floating-point wrappers of emu/cpu/fpu*.c (their list: emu/cpu/fpu.wrap) are
# installed with the linker's --wrap.  faultline itself is not position-
# independent: as a PIE it bound 65k relative relocations and copied the
# pages they touch at every start (1.5 ms of a 20 ms `busybox true`).
UNICORN_A := $(firstword $(wildcard /usr/lib/x86_64-linux-gnu/libunicorn.a /usr/lib/libunicorn.a))
LDLIBS := $(UNICORN_A) -lpthread -ldw -lelf -lz -lm
UNICORN_WRAP := -Wl,--wrap=tlb_set_page_with_attrs_x86_64 -Wl,@emu/cpu/fpu.wrap \
                -Wl,--wrap=tcg_region_reset_all_x86_64 -Wl,--wrap=memset

ifeq ($(SANITIZE),1)
BUILD := build/san
CFLAGS_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -DVM_POISON
else
BUILD := build
CFLAGS_SAN :=
endif
CFLAGS := $(CFLAGS_BASE) $(CFLAGS_SAN) $(EXTRA_CFLAGS)
LDFLAGS += $(CFLAGS_SAN)

# One library a layer; a layer links only what is below it.
#   libvm      vm/                  the memory system
#   libloader  loader/              ELF images (over libvm)
#   libtrace   emu/trace/ emu/util/ the fault log's writer, parser and offline tools (over libvm)
#   libemu     emu/abi/ cpu/ kernel/ sys/ (the CPU is the only part linking Unicorn)
VM_SRCS := $(wildcard vm/*.c)
LOADER_SRCS := $(wildcard loader/*.c)
TRACE_SRCS := $(wildcard emu/trace/*.c emu/util/*.c)
EMU_SRCS := $(wildcard emu/abi/*.c emu/cpu/*.c emu/kernel/*.c emu/sys/*.c) \
	$(filter-out emu/cli/main.c,$(wildcard emu/cli/*.c))
obj = $(patsubst %.c,$(BUILD)/%.o,$(1))
LIBVM := $(BUILD)/libvm.a
LIBLOADER := $(BUILD)/libloader.a
LIBTRACE := $(BUILD)/libtrace.a
LIBEMU := $(BUILD)/libemu.a
MAIN_OBJ := $(BUILD)/emu/cli/main.o

TEST_SRCS := $(wildcard tests/test_*.c)
TEST_BINS := $(patsubst tests/%.c,$(BUILD)/tests/%,$(TEST_SRCS))

.PHONY: all deps run test unit e2e golden testprogs fuzz bench bench-programs bench-report clean layers
.SECONDARY:

all: $(BUILD)/faultline

deps:
	@sh scripts/deps.sh

# V=1 shows the commands.
Q := $(if $(V),,@)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(CFLAGS) -c -o $@ $<

$(LIBVM): $(call obj,$(VM_SRCS))
$(LIBLOADER): $(call obj,$(LOADER_SRCS))
$(LIBTRACE): $(call obj,$(TRACE_SRCS)) $(BUILD)/gen/report_page.o
$(LIBEMU): $(call obj,$(EMU_SRCS))
$(LIBVM) $(LIBLOADER) $(LIBTRACE) $(LIBEMU):
	@rm -f $@
	$(Q)ar rcs $@ $^

$(BUILD)/faultline: $(MAIN_OBJ) $(LIBEMU) $(LIBTRACE) $(LIBLOADER) $(LIBVM) emu/cpu/fpu.wrap
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS) -no-pie $(UNICORN_WRAP) -o $@ $(filter-out %.wrap,$^) $(LDLIBS)

# The report's page (emu/trace/report/) is carried in the binary as C strings.
REPORT_PAGE := emu/trace/report/report.html emu/trace/report/report.js
$(BUILD)/gen/report_page.c: $(REPORT_PAGE) scripts/embed.sh
	@mkdir -p $(dir $@)
	$(Q)sh scripts/embed.sh $@ report_page_html emu/trace/report/report.html \
		report_page_js emu/trace/report/report.js
$(BUILD)/gen/report_page.o: $(BUILD)/gen/report_page.c
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(CFLAGS) -c -o $@ $<

# Unit tests link only the layers they test.
$(BUILD)/tests/test_loader: $(LIBLOADER) $(LIBVM)
$(BUILD)/tests/test_tracefile: $(LIBTRACE) $(LIBVM)
$(BUILD)/tests/test_%: $(BUILD)/tests/test_%.o $(LIBVM)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $< -Wl,--start-group $(filter %.a,$^) -Wl,--end-group -ldw -lelf -lz -lm -lcriterion

# --- test programs (static glibc, static musl, -nostdlib) ------------------------
include testprogs/testprogs.mk

# --- the two commands --------------------------------------------------------------
run: deps
	@$(MAKE) --no-print-directory all testprogs
	@echo '$$ build/faultline run --env-clear --summary -o build/hello.log build/testprogs/hello.glibc'
	@build/faultline run --env-clear --summary -o build/hello.log build/testprogs/hello.glibc
	@echo '$$ cat build/hello.log'
	@cat build/hello.log

test:
	@sh scripts/deps.sh test
	@sh scripts/layers.sh
	@sh scripts/sizes.sh
	@$(MAKE) --no-print-directory testprogs
	@$(MAKE) --no-print-directory SANITIZE=1 unit
	@$(MAKE) --no-print-directory SANITIZE=1 all
	@$(MAKE) --no-print-directory e2e FAULTLINE=build/san/faultline

unit: $(TEST_BINS)
	@sh tests/run-unit.sh $(TEST_BINS)

FAULTLINE ?= build/faultline
e2e:
	@sh tests/e2e.sh $(FAULTLINE)

# Regenerate golden files; review the diff before committing it.
golden: all testprogs
	@sh tests/e2e.sh --regenerate build/faultline

# The loader under libFuzzer (FUZZ_SECONDS, default 60), then random
# system calls from guests under the sanitizer build (SYSFUZZ_SEEDS, 200).
fuzz:
	@sh scripts/deps.sh fuzz
	@sh tests/fuzz/run.sh
	@$(MAKE) --no-print-directory testprogs
	@$(MAKE) --no-print-directory SANITIZE=1 all
	@FL=build/san/faultline SYSFUZZ_SEEDS=$${SYSFUZZ_SEEDS:-200} sh tests/e2e/sysfuzz.sh

# The synthetic figures, then the real-program suite (bench/README.md).
bench:
	@sh scripts/deps.sh bench
	@$(MAKE) --no-print-directory all testprogs
	@sh bench/run.sh
	@sh bench/programs.sh

bench-programs:
	@sh scripts/deps.sh bench
	@$(MAKE) --no-print-directory all
	@sh bench/programs.sh

# The report's figures for a million-event log (bench/README.md, "The report").
bench-report:
	@sh scripts/deps.sh test
	@$(MAKE) --no-print-directory all
	@python3 bench/report.py

# The layers of the tree, by its #include lines (also part of make test).
layers:
	@sh scripts/layers.sh
	@sh scripts/sizes.sh

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)
