#!/usr/bin/env bash
# Builds the RedoxFS libFuzzer target (clang++, ASan + UBSan) and the seed-corpus generator
# into build-fuzz/, generates the seeds into a temp dir and fuzzes for a bounded time.
#   FUZZ_SECONDS  total fuzzing time (default 30)
#   FUZZ_CORPUS   keep the corpus in this directory instead of a temp dir (grows across runs)
# Extra arguments go to the fuzzer (e.g. a reproducer file to replay it).
# Ends with "1 passed, 0 failed" or "0 passed, 1 failed" (for scripts/summarize-tests.py);
# on a crash it prints the reproducer path and exits non-zero.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
seconds="${FUZZ_SECONDS:-30}"
out="$root/build-fuzz"
mkdir -p "$out/artifacts"

fail() { echo "run-fuzz: $*"; echo "0 passed, 1 failed"; exit 1; }

cxx="${CLANGXX:-clang++}"
command -v "$cxx" >/dev/null || cxx=clang++-14
command -v "$cxx" >/dev/null || fail "$cxx not found (scripts/install-deps.sh installs clang)"
flags=(-std=c++20 -g -O1 -fno-exceptions -fno-rtti -fsanitize=address,undefined
  -fno-sanitize-recover=undefined -Wno-unknown-warning-option -I kernel_core -I schemes/redoxfs)
lib=(schemes/redoxfs/filesystem.cpp schemes/redoxfs/fsck.cpp schemes/redoxfs/checksum.cpp
  schemes/redoxfs/xxh3_dispatch.cpp kernel_core/ktl/format.cpp kernel_core/ktl/string.cpp
  kernel_core/abi/errno.cpp -lxxhash)

echo "run-fuzz: building build-fuzz/redoxfs_fuzzer"
"$cxx" "${flags[@]}" -fsanitize=fuzzer tests/fuzz/redoxfs_fuzzer.cpp "${lib[@]}" \
  -o "$out/redoxfs_fuzzer" || fail "building the fuzzer failed"
"$cxx" "${flags[@]}" tests/fuzz/make_seed_corpus.cpp "${lib[@]}" \
  -o "$out/make_seed_corpus" || fail "building the seed generator failed"

if [ $# -gt 0 ]; then # replay / custom run
  exec "$out/redoxfs_fuzzer" "$@"
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
corpus="${FUZZ_CORPUS:-$tmp/corpus}"
mkdir -p "$corpus" "$tmp/seeds"
"$out/make_seed_corpus" "$tmp/seeds" || fail "generating the seed corpus failed"

echo "run-fuzz: fuzzing for ${seconds}s (log: build-fuzz/fuzz.log)"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  "$out/redoxfs_fuzzer" "$corpus" "$tmp/seeds" \
  -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 -max_len=2200000 \
  -artifact_prefix="$out/artifacts/" -print_final_stats=1 >"$out/fuzz.log" 2>&1
status=$?
grep -E "^#[0-9]+[[:space:]]+(INITED|DONE)|^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)" "$out/fuzz.log"
if [ $status -ne 0 ]; then
  tail -80 "$out/fuzz.log"
  artifact="$(grep -o "Test unit written to .*" "$out/fuzz.log" | sed 's/Test unit written to //' | tail -1)"
  fail "the fuzzer failed (exit $status); reproducer: ${artifact:-none written}; replay: tests/fuzz/run-fuzz.sh ${artifact:-FILE}"
fi
echo "1 passed, 0 failed"
