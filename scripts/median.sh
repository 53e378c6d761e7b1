# Sourced by the speed scripts.

# `time_ms CMD ARGS...`: runs the command once, output discarded, and
# prints its wall time in ms.
time_ms() {
  local start end
  start=$(date +%s%N)
  "$@" >/dev/null 2>&1
  end=$(date +%s%N)
  echo $(( (end - start) / 1000000 ))
}

# `median N...`: the median of the numbers given.
median() {
  printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"
}

# `median_ms CMD ARGS...`: runs the command `$runs` times and prints the
# median wall time in ms.
median_ms() {
  local times=()
  for _ in $(seq 1 "$runs"); do
    times+=("$(time_ms "$@")")
  done
  median "${times[@]}"
}
