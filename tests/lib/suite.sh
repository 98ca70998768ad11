# tests/lib/suite.sh: sourced by the run.sh of a group of suites.
# sub NAME COMMAND...: run one suite, print its output, and add its closing
# "N passed, M failed" line to $pass and $fail (a suite without that line, or
# that exits non-zero with 0 failed, counts as one failure).
pass=${pass:-0} fail=${fail:-0}
sub() {
  local name=$1; shift
  local out rc line p f
  echo "== $name"
  out=$("$@" 2>&1); rc=$?
  printf '%s\n' "$out"
  line=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -n 1)
  if [ -n "$line" ]; then p=${line%% passed*}; f=${line#*, }; f=${f%% failed*}
  else p=0; f=1; echo "FAIL $name: no summary line (exit status $rc)"; fi
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; echo "FAIL $name: exit status $rc"; fi
  pass=$((pass + p)); fail=$((fail + f))
}
