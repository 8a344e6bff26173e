# faultline - see README.md.  The two commands: make run, make test.

CC ?= cc
CFLAGS_BASE := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wstrict-prototypes \
	-Wno-missing-field-initializers -g -O2 -MMD -MP -I.
# libunicorn is linked statically: its shared build binds ~74k relocations
# at start-up (4 ms), and the TLB-fill wrapper of emu/faststore.c is
# installed with the linker's --wrap.
UNICORN_A := $(firstword $(wildcard /usr/lib/x86_64-linux-gnu/libunicorn.a /usr/lib/libunicorn.a))
LDLIBS := $(UNICORN_A) -lpthread -lelf -lm
UNICORN_WRAP := -Wl,--wrap=tlb_set_page_with_attrs_x86_64 -Wl,@emu/cpu/fpu.wrap

ifeq ($(SANITIZE),1)
BUILD := build/san
CFLAGS_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -DVM_POISON
else
BUILD := build
CFLAGS_SAN :=
endif
CFLAGS := $(CFLAGS_BASE) $(CFLAGS_SAN) $(EXTRA_CFLAGS)
LDFLAGS += $(CFLAGS_SAN) $(UNICORN_WRAP)

VM_SRCS := $(wildcard vm/*.c)
LOADER_SRCS := $(wildcard loader/*.c)
EMU_SRCS := $(filter-out emu/main.c,$(wildcard emu/*.c emu/cpu/*.c))
LIB_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(VM_SRCS) $(LOADER_SRCS) $(EMU_SRCS))
MAIN_OBJ := $(BUILD)/emu/main.o

TEST_SRCS := $(wildcard tests/test_*.c)
TEST_BINS := $(patsubst tests/%.c,$(BUILD)/tests/%,$(TEST_SRCS))

.PHONY: all deps run test unit e2e golden testprogs fuzz bench clean
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

$(BUILD)/libfaultline.a: $(LIB_OBJS)
	@rm -f $@
	$(Q)ar rcs $@ $^

$(BUILD)/faultline: $(MAIN_OBJ) $(BUILD)/libfaultline.a
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: $(BUILD)/tests/%.o $(BUILD)/libfaultline.a
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lcriterion

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

bench:
	@sh scripts/deps.sh bench
	@$(MAKE) --no-print-directory all testprogs
	@sh bench/run.sh

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)
