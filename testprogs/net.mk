# Socket test programs in other languages, built like those of threads.mk:
#   net_go    testprogs/go/net.go    go build, no cgo (skipped without go)

TP_NET_BINS := $(if $(TP_GO),$(TP_OUT)/net_go)

testprogs: $(TP_NET_BINS)

$(TP_OUT)/net_go: testprogs/go/net.go
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  GO      $@")
	$(Q)$(TP_GOENV) go build -trimpath -o $@ $<
