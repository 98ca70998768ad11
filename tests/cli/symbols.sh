#!/bin/bash
# symbols.sh: the core objects reference no allocation, printing, file I/O or
# process exit, and define no writable globals (ARCHITECTURE.md: core layer).
set -u
BUILD=${BUILD:-build/asan}
pass=0 fail=0
forbidden='^(malloc|calloc|realloc|free|aligned_alloc|posix_memalign|strdup|strndup|printf|fprintf|sprintf|snprintf|vprintf|vfprintf|vsnprintf|puts|fputs|putchar|fputc|perror|fopen|fdopen|fclose|fread|fwrite|fflush|open|read|write|exit|_exit|_Exit|abort|atexit|getenv|rand|srand|time)$'
objs=("$BUILD"/obj/src/core/*.o)
if [ ! -e "${objs[0]}" ]; then echo "FAIL no core objects in $BUILD/obj/src/core"; echo "0 passed, 1 failed"; exit 1; fi
for o in "${objs[@]}"; do
  bad=$(nm -u "$o" | awk '{print $NF}' | sed 's/@.*//' | grep -E "$forbidden" | tr '\n' ' ')
  if [ -n "$bad" ]; then echo "FAIL $o references: $bad"; fail=$((fail+1)); else pass=$((pass+1)); fi
  # writable sections only (.data, .bss, common); .data.rel.ro is read-only after relocation
  globals=$(nm -f sysv "$o" | awk -F'|' '{s=$7; gsub(/ /,"",s); n=$1; gsub(/ /,"",n); if (s ~ /^(\.data|\.bss|\*COM\*)$/ || s ~ /^\.(data|bss)\.[^r]/) print n}' \
    | grep -vE '^(__asan|__ubsan|___asan|\.L|__odr_asan)' | tr '\n' ' ')
  if [ -n "$globals" ]; then echo "FAIL $o defines writable data: $globals"; fail=$((fail+1)); else pass=$((pass+1)); fi
done
# the check itself must be able to fail: a probe object that calls malloc is caught
probe=$(mktemp -d)
printf '#include <stdlib.h>\nvoid *f(void){return malloc(4);}\nint g;\n' > "$probe/p.c"
if cc -c "$probe/p.c" -o "$probe/p.o" 2>/dev/null; then
  if nm -u "$probe/p.o" | awk '{print $NF}' | grep -qE "$forbidden" && nm -f sysv "$probe/p.o" | grep -E '^g +\|' | grep -qE '\.bss|\*COM\*'; then
    pass=$((pass+1))
  else
    echo "FAIL the symbol check does not detect a probe that calls malloc"; fail=$((fail+1))
  fi
fi
rm -rf "$probe"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
