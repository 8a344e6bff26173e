# Threaded test programs in other languages (issue 16), each built static
# into build/testprogs/ next to the C ones (testprogs/thread_*.c, built by
# the glibc and musl rules of testprogs.mk):
#   thread_cxx    testprogs/cxx/threads.cc   g++ -static -pthread
#   thread_go     testprogs/go/threads.go    go build, no cgo, GOPATH mode, no
#                                            network; its cache under build/
#   thread_rust   testprogs/rust/threads.rs  rustc, static (crt-static)
# A program whose compiler is missing is not built (scripts/deps.sh test
# installs g++ and golang-go; Rust only where rustc exists), and
# tests/e2e/threads.sh says it skips it.

TP_CXX := $(shell command -v g++ 2>/dev/null)
TP_GO := $(shell command -v go 2>/dev/null)
TP_RUSTC := $(shell command -v rustc 2>/dev/null)
TP_GOENV := GOENV=off GO111MODULE=off GOFLAGS= CGO_ENABLED=0 GOPROXY=off \
	GOCACHE=$(CURDIR)/build/go-cache GOPATH=$(CURDIR)/build/go-path

TP_THREAD_BINS := $(if $(TP_CXX),$(TP_OUT)/thread_cxx) $(if $(TP_GO),$(TP_OUT)/thread_go) \
	$(if $(TP_RUSTC),$(TP_OUT)/thread_rust)

testprogs: $(TP_THREAD_BINS)

$(TP_OUT)/thread_cxx: testprogs/cxx/threads.cc
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CXX     $@")
	$(Q)g++ -static -pthread -std=c++17 -O2 -Wall -Wextra -Werror -ffile-prefix-map=$(CURDIR)=. -o $@ $<

$(TP_OUT)/thread_go: testprogs/go/threads.go
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  GO      $@")
	$(Q)$(TP_GOENV) go build -trimpath -o $@ $<

$(TP_OUT)/thread_rust: testprogs/rust/threads.rs
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  RUSTC   $@")
	$(Q)rustc --edition 2021 -O -C target-feature=+crt-static --remap-path-prefix=$(CURDIR)=. -o $@ $<
