# Test programs: each C file built static with glibc and with musl, and
# the nolibc/ ones with no libc at all.  Flags are fixed so the binaries,
# and so their fault logs, are the same on every machine.

TP_SRCS := $(wildcard testprogs/*.c)
TP_NAMES := $(basename $(notdir $(TP_SRCS)))
TP_NOLIBC := $(basename $(notdir $(wildcard testprogs/nolibc/*.c)))
TP_OUT := build/testprogs
TP_CFLAGS := -O2 -Wall -Wextra -Werror -fno-asynchronous-unwind-tables -ffile-prefix-map=$(CURDIR)=.

TP_BINS := $(addprefix $(TP_OUT)/,$(addsuffix .glibc,$(TP_NAMES)) $(addsuffix .musl,$(TP_NAMES)) \
	$(addsuffix .nolibc,$(TP_NOLIBC)) hello.static-pie)

testprogs: $(TP_BINS)

$(TP_OUT)/%.glibc: testprogs/%.c $(wildcard testprogs/*.h)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $@")
	$(Q)gcc -static $(TP_CFLAGS) -o $@ $< -lm

$(TP_OUT)/%.musl: testprogs/%.c $(wildcard testprogs/*.h)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $@")
	$(Q)musl-gcc -static $(TP_CFLAGS) -o $@ $<

$(TP_OUT)/%.nolibc: testprogs/nolibc/%.c testprogs/nolibc/sys.h
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $@")
	$(Q)gcc -static -nostdlib -fno-pie -no-pie -fno-stack-protector -Wl,--build-id=none $(TP_CFLAGS) -o $@ $<

$(TP_OUT)/hello.static-pie: testprogs/hello.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $@")
	$(Q)gcc -static-pie $(TP_CFLAGS) -o $@ $<
include testprogs/threads.mk
include testprogs/asan.mk

# symbols: with -g, for the fault log's function and line columns; the
# glibc build is dynamic so that libc's own functions fault too.
TP_SYM := $(TP_OUT)/symbols.dyn $(TP_OUT)/symbols.musl
testprogs: $(TP_SYM)
$(TP_OUT)/symbols.dyn: testprogs/sym/symbols.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $@")
	$(Q)gcc $(TP_CFLAGS) -g -O1 -o $@ $<
$(TP_OUT)/symbols.musl: testprogs/sym/symbols.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $@")
	$(Q)musl-gcc -static $(TP_CFLAGS) -g -O1 -o $@ $<

include testprogs/net.mk
