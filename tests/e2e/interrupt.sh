#!/bin/sh
# Ctrl-C loses nothing: SIGINT, SIGTERM and SIGHUP sent to faultline reach
# the guest, a second SIGINT ends the run at once, and each run leaves a
# complete, valid log and its summary (interrupt.py).
exec python3 "$(dirname "$0")/interrupt.py" "$FL"
