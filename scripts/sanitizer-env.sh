# Sourced by the test scripts: how the sanitizers report, the same for a test
# binary and for every mirrorvox it spawns. A report is an error exit, never
# a log line nobody reads.
supp="$PWD/tests/sanitizers"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:exitcode=66:strict_string_checks=1:detect_stack_use_after_return=0:check_initialization_order=1"
export LSAN_OPTIONS="suppressions=$supp/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:exitcode=66:suppressions=$supp/ubsan.supp"
# A spawned server's exit status is checked (a sanitizer report exits 66),
# and its waits stretch for the sanitizers' slower code.
export MIRRORVOX_TEST_CHECK_EXIT=1
export MIRRORVOX_TEST_SLOWDOWN=${MIRRORVOX_TEST_SLOWDOWN:-3}
