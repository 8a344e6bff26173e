# AddressSanitizer test programs (testprogs/asan/*.c): dynamic, since
# libasan has no static form, and built only where the host's compiler
# can link them (tests/e2e/zones.sh skips them otherwise).

TP_ASAN := $(basename $(notdir $(wildcard testprogs/asan/*.c)))
TP_ASAN_OK := $(shell echo 'int main(void){return 0;}' | \
	gcc -fsanitize=address -x c -o /dev/null - 2>/dev/null && echo yes)
TP_ASAN_BINS := $(if $(TP_ASAN_OK),$(addprefix $(TP_OUT)/,$(addsuffix .asan,$(TP_ASAN))))

testprogs: $(TP_ASAN_BINS)

$(TP_OUT)/%.asan: testprogs/asan/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $@")
	$(Q)gcc $(TP_CFLAGS) -O0 -g -fsanitize=address -o $@ $<
