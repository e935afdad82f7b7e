#!/usr/bin/env bash
# Checkout benchmark (issue 5): publishes Release, starts Checkout on loopback with a fresh SQLite
# database, measures the order API against a bare-Kestrel ceiling in the same run, confirm -> callback
# latency and throughput, the approve page, and start-up; prints one Markdown table with the targets.
#
#   bench/run.sh                 # the full run (about 15 minutes on 2 cores)
#   BENCH_QUICK=1 bench/run.sh   # a short smoke run of the script itself (numbers are not comparable)
#
# Knobs (environment): CHECKOUT_SRC (repo to publish, default this one), BENCH_OUT (publish folder, bench/.out), BENCH_RESULTS (bench/results), BENCH_COMMIT (label in the table), BENCH_ROUNDS (5),
# BENCH_JIT_WARMUP (30 s once per server), BENCH_WARMUP (5 s), BENCH_SECONDS (10 s), BENCH_CONNECTIONS (64), BENCH_CALLBACK_MODE (auto|confirm|cancel),
# BENCH_CB_RATE (100), BENCH_CB_WARMUP (10 s), BENCH_CB_SECONDS (20), BENCH_CB_STEPS (200,400,600,800,1000,1200,1600,2000), BENCH_CB_STEP_SECONDS (10),
# BENCH_TTFB_COUNT (200), BENCH_CIRCUITS (50), BENCH_SETTLE (10 s), BENCH_STARTUP_RUNS (5).
# Writes bench/results/latest.md (the table) and bench/results/latest.json (every raw number).
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$BENCH_DIR")
SRC=${CHECKOUT_SRC:-$REPO}
OUT=${BENCH_OUT:-$BENCH_DIR/.out}
RESULTS=${BENCH_RESULTS:-$BENCH_DIR/results}

ROUNDS=${BENCH_ROUNDS:-5}
WARMUP=${BENCH_WARMUP:-5}
JIT_WARMUP=${BENCH_JIT_WARMUP:-30}
MEASURE=${BENCH_SECONDS:-10}
CONNECTIONS=${BENCH_CONNECTIONS:-64}
THREADS=${BENCH_THREADS:-2}
CB_MODE=${BENCH_CALLBACK_MODE:-auto}
CB_RATE=${BENCH_CB_RATE:-100}
CB_SECONDS=${BENCH_CB_SECONDS:-20}
CB_STEPS=${BENCH_CB_STEPS:-200,400,600,800,1000,1200,1600,2000}
CB_STEP_SECONDS=${BENCH_CB_STEP_SECONDS:-10}
CB_WARMUP=${BENCH_CB_WARMUP:-10}
TTFB_COUNT=${BENCH_TTFB_COUNT:-200}
CIRCUITS=${BENCH_CIRCUITS:-50}
SETTLE=${BENCH_SETTLE:-10}
STARTUP_RUNS=${BENCH_STARTUP_RUNS:-5}
if [[ -n "${BENCH_QUICK:-}" ]]; then
  ROUNDS=1 WARMUP=2 JIT_WARMUP=3 CB_WARMUP=2 MEASURE=3 CB_SECONDS=3 CB_STEPS=200,400 CB_STEP_SECONDS=3 TTFB_COUNT=20 CIRCUITS=5 SETTLE=2 STARTUP_RUNS=1
fi

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# ---------------------------------------------------------------- tools (installed only when missing)
need_apt=()
command -v wrk >/dev/null || need_apt+=(wrk)
command -v jq >/dev/null || need_apt+=(jq)
command -v curl >/dev/null || need_apt+=(curl)
[[ -x /usr/bin/chromium ]] || need_apt+=(chromium)
if ((${#need_apt[@]})); then
  log "installing ${need_apt[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
command -v dotnet >/dev/null || die "the .NET 10 SDK is needed"

# ---------------------------------------------------------------- processes we start, all stopped on exit
WORK=$(mktemp -d /tmp/checkout-bench.XXXXXX)
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 30000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
  die "no free port"
}

wait_ready() { # url seconds
  local deadline=$((SECONDS + $2))
  while ((SECONDS < deadline)); do
    curl -sf -o /dev/null --max-time 2 "$1" && return 0
    sleep 0.1
  done
  return 1
}

# ---------------------------------------------------------------- build (retried: other builds may hold files)
retry() {
  local attempt
  for attempt in 1 2 3 4; do
    "$@" && return 0
    log "attempt $attempt failed: $*; retrying"
    sleep $((attempt * 5))
  done
  return 1
}
log "publishing Release from $SRC"
mkdir -p "$OUT" "$RESULTS"
rm -rf "$OUT/checkout" "$OUT/ceiling" "$OUT/driver"
retry dotnet publish "$SRC/src/Checkout.Web" -c Release -o "$OUT/checkout" -nologo -v quiet >"$WORK/publish.log" 2>&1 || { tail -30 "$WORK/publish.log"; die "publishing Checkout failed"; }
retry dotnet publish "$BENCH_DIR/Ceiling" -c Release -o "$OUT/ceiling" -nologo -v quiet >>"$WORK/publish.log" 2>&1 || die "publishing the ceiling failed"
retry dotnet publish "$BENCH_DIR/Driver" -c Release -o "$OUT/driver" -nologo -v quiet >>"$WORK/publish.log" 2>&1 || die "publishing the driver failed"
DRIVER=$OUT/driver/Checkout.Bench.Driver

if [[ "$CB_MODE" == auto ]]; then
  if grep -rqsE '"/\{id\}/confirm"' "$SRC/src/Checkout.Web/Api/"; then CB_MODE=confirm; else CB_MODE=cancel; fi
fi

# ---------------------------------------------------------------- start Checkout and the ceiling
CHECKOUT_PORT=$(free_port)
CHECKOUT=http://127.0.0.1:$CHECKOUT_PORT
DB=$WORK/checkout.db
log "starting Checkout on $CHECKOUT (database $DB)"
(
  cd "$OUT/checkout"
  unset ASPNETCORE_URLS ASPNETCORE_HTTP_PORTS ASPNETCORE_HTTPS_PORTS
  export ASPNETCORE_ENVIRONMENT=Production DOTNET_ENVIRONMENT=Production
  exec ./Checkout.Web --urls "$CHECKOUT" --contentRoot "$OUT/checkout" \
    "--ConnectionStrings:Checkout=Data Source=$DB" \
    --Checkout:Sandbox:Enabled=true --Checkout:Callbacks:AllowPrivateNetworks=true \
    --Logging:LogLevel:Default=Warning
) >"$WORK/checkout.log" 2>&1 &
CHECKOUT_PID=$!
PIDS+=("$CHECKOUT_PID")
wait_ready "$CHECKOUT/" 60 || { tail -30 "$WORK/checkout.log"; die "Checkout did not start"; }

token() {
  curl -sf -u demo_merchant:demo_secret -d grant_type=client_credentials "$CHECKOUT/api/v1/oauth/token/" | jq -er .access_token
}
ORDER_BODY='{"amount":1999,"currency":"EUR","description":"Two cups of tea","reference":"bench","success_url":"http://127.0.0.1:8080/shop/success","error_url":"http://127.0.0.1:8080/shop/error","callback_url":"http://127.0.0.1:8080/shop/callbacks","metadata":{"bench":"create"}}'
TOKEN=$(token) || die "no token (is the sandbox on?)"
curl -sf -H "Authorization: Bearer $TOKEN" -H "Idempotency-Key: bench-capture" -H 'Content-Type: application/json' \
  -d "$ORDER_BODY" "$CHECKOUT/api/v1/orders" >"$WORK/order.json" || die "could not create the captured order"

CEILING_PORT=$(free_port)
CEILING=http://127.0.0.1:$CEILING_PORT
(cd "$OUT/ceiling" && exec ./Checkout.Bench.Ceiling --urls "$CEILING" --order-json "$WORK/order.json") >"$WORK/ceiling.log" 2>&1 &
PIDS+=("$!")
wait_ready "$CEILING/" 30 || die "the ceiling did not start"

# ---------------------------------------------------------------- wrk, Checkout and ceiling alternating
wrk_run() { # base script seconds run-id -> BENCHJSON payload
  TOKEN=$TOKEN RUN=$4 IDS_FILE=$WORK/ids.txt CALLBACK_URL=http://127.0.0.1:8080/shop/callbacks \
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${3}s" --timeout 10s -s "$BENCH_DIR/wrk/$2" "$1" | sed -n 's/^BENCHJSON //p'
}

ab_rounds() { # name script
  local name=$1 script=$2 round target base result
  : >"$WORK/$name.jsonl"
  for round in $(seq 1 "$ROUNDS"); do
    # Odd rounds measure Checkout first, even rounds the ceiling first: drift hits both alike.
    local order=(checkout ceiling)
    ((round % 2 == 0)) && order=(ceiling checkout)
    for target in "${order[@]}"; do
      [[ $target == checkout ]] && base=$CHECKOUT || base=$CEILING
      TOKEN=$(token)
      wrk_run "$base" "$script" "$WARMUP" "$name-$round-$target-warm" >/dev/null
      result=$(wrk_run "$base" "$script" "$MEASURE" "$name-$round-$target")
      [[ -n "$result" ]] || die "wrk gave no result for $name $target round $round"
      jq -c --arg t "$target" --argjson r "$round" '. + {target: $t, round: $r}' <<<"$result" >>"$WORK/$name.jsonl"
      log "$name round $round $target: $(jq -r '"\(.rps) req/s, p50 \(.p50_ms) ms, p99 \(.p99_ms) ms, non-2xx \(.non_2xx)"' <<<"$result")"
    done
  done
  # Per round Checkout/ceiling, then medians; non-2xx and socket errors summed over the measured windows.
  jq -s '
    def median: sort | if length == 0 then null elif length % 2 == 1 then .[length/2|floor] else (.[length/2-1] + .[length/2]) / 2 end;
    (map(select(.target=="checkout"))) as $c | (map(select(.target=="ceiling"))) as $k |
    {
      rounds: ($c | length),
      checkout_rps: ($c | map(.rps) | median), ceiling_rps: ($k | map(.rps) | median),
      ratio: ([range(0; $c|length) as $i | $c[$i].rps / ($k[] | select(.round == $c[$i].round) | .rps)] | median),
      ratios: [range(0; $c|length) as $i | $c[$i].rps / ($k[] | select(.round == $c[$i].round) | .rps)],
      p50_ms: ($c | map(.p50_ms) | median), p99_ms: ($c | map(.p99_ms) | median),
      ceiling_p50_ms: ($k | map(.p50_ms) | median), ceiling_p99_ms: ($k | map(.p99_ms) | median),
      non_2xx: ($c | map(.non_2xx) | add),
      socket_errors: ($c | map(.connect_errors + .read_errors + .write_errors + .timeouts) | add),
      raw: .
    }' "$WORK/$name.jsonl" >"$WORK/$name.json"
}

# Once per server: the first tens of seconds under load go to tier-1 JIT of a large app (ASP.NET Core,
# EF Core, MudBlazor) on 2 cores; the rounds measure the steady state a long-running server is in.
log "JIT warm-up: ${JIT_WARMUP}s of create orders on each server"
TOKEN=$(token)
wrk_run "$CHECKOUT" create.lua "$JIT_WARMUP" jit-checkout >/dev/null
wrk_run "$CEILING" create.lua "$JIT_WARMUP" jit-ceiling >/dev/null

log "create order: $ROUNDS rounds x (${WARMUP}s warm-up + ${MEASURE}s) per server, $CONNECTIONS connections"
ab_rounds create create.lua

# Ids to read: the newest 500 orders (5 pages of the list API).
TOKEN=$(token)
: >"$WORK/ids.txt"
after=""
for _ in 1 2 3 4 5; do
  page=$(curl -sf -H "Authorization: Bearer $TOKEN" "$CHECKOUT/api/v1/orders?limit=100${after:+&starting_after=$after}")
  jq -r '.data[].id' <<<"$page" >>"$WORK/ids.txt"
  after=$(jq -r '.data[-1].id // empty' <<<"$page")
  [[ -n "$after" && $(jq -r .has_more <<<"$page") == true ]] || break
done
[[ -s "$WORK/ids.txt" ]] || die "no order ids to read"

log "get order: $ROUNDS rounds, $(wc -l <"$WORK/ids.txt") ids"
ab_rounds get get.lua

# ---------------------------------------------------------------- confirm -> callback
log "confirm -> callback ($CB_MODE): ${CB_RATE}/s for ${CB_SECONDS}s, then steps $CB_STEPS (${CB_STEP_SECONDS}s each)"
"$DRIVER" callbacks --base "$CHECKOUT" --mode "$CB_MODE" --rate "$CB_RATE" --seconds "$CB_SECONDS" --warmup-seconds "$CB_WARMUP" \
  --steps "$CB_STEPS" --step-seconds "$CB_STEP_SECONDS" | sed -n 's/^BENCHJSON //p' >"$WORK/callbacks.json" \
  || log "warning: the callback run reported a problem (see the signature counts)"
[[ -s "$WORK/callbacks.json" ]] || die "the callback run gave no result"

# ---------------------------------------------------------------- approve page
log "approve page: TTFB over $TTFB_COUNT requests"
"$DRIVER" ttfb --base "$CHECKOUT" --count "$TTFB_COUNT" | sed -n 's/^BENCHJSON //p' >"$WORK/ttfb.json"
log "approve page: $CIRCUITS circuits in Chromium"
"$DRIVER" circuits --base "$CHECKOUT" --pid "$CHECKOUT_PID" --pages "$CIRCUITS" --settle-seconds "$SETTLE" \
  | sed -n 's/^BENCHJSON //p' >"$WORK/circuits.json"

kill "$CHECKOUT_PID" 2>/dev/null || true
wait "$CHECKOUT_PID" 2>/dev/null || true

# ---------------------------------------------------------------- start-up
log "start-up: $STARTUP_RUNS runs on an existing database"
"$DRIVER" startup --exe "$OUT/checkout/Checkout.Web" --content-root "$OUT/checkout" --db "$WORK/startup.db" \
  --runs "$STARTUP_RUNS" | sed -n 's/^BENCHJSON //p' >"$WORK/startup.json"

# ---------------------------------------------------------------- the table
COMMIT=${BENCH_COMMIT:-$(git -C "$SRC" rev-parse --short HEAD 2>/dev/null || echo unknown)}
if [[ -z "${BENCH_COMMIT:-}" && -n "$(git -C "$SRC" status --porcelain -- src 2>/dev/null)" ]]; then COMMIT="$COMMIT+uncommitted"; fi
jq -n --slurpfile create "$WORK/create.json" --slurpfile get "$WORK/get.json" --slurpfile cb "$WORK/callbacks.json" \
  --slurpfile ttfb "$WORK/ttfb.json" --slurpfile circuits "$WORK/circuits.json" --slurpfile startup "$WORK/startup.json" \
  --arg date "$(date -u +%Y-%m-%dT%H:%M:%SZ)" --arg commit "$COMMIT" --arg cpus "$(nproc)" \
  --arg cpu "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)" \
  --arg mem "$(free -g | awk '/^Mem:/{print $2}')" --arg dotnet "$(dotnet --version)" \
  --arg rounds "$ROUNDS" --arg jit "$JIT_WARMUP" --arg warmup "$WARMUP" --arg measure "$MEASURE" --arg conns "$CONNECTIONS" \
  '{date: $date, commit: $commit, machine: {cpus: $cpus, cpu: $cpu, memory_gb: $mem, dotnet: $dotnet},
    settings: {rounds: $rounds, jit_warmup_s: $jit, warmup_s: $warmup, measured_s: $measure, connections: $conns},
    create: $create[0], get: $get[0], callbacks: $cb[0], ttfb: $ttfb[0], circuits: $circuits[0], startup: $startup[0]}' \
  >"$RESULTS/latest.json"

jq -r '
  def f(n): if . == null then "n/a" else (. * pow(10; n) | round) / pow(10; n) | tostring end;
  def pct: if . == null then "n/a" else (. * 1000 | round) / 10 | tostring + " %" end;
  def met(c): if c then "**met**" else "**not met**" end;
  .create as $c | .get as $g | .callbacks as $cb | .ttfb as $t | .circuits as $m | .startup as $s |
  "## Checkout benchmark — \(.date), commit \(.commit)",
  "",
  "Machine: \(.machine.cpus) cores (\(.machine.cpu)), \(.machine.memory_gb) GB, .NET SDK \(.machine.dotnet). wrk: \(.settings.connections) connections, after one \(.settings.jit_warmup_s) s JIT warm-up per server \(.settings.rounds) rounds of \(.settings.warmup_s) s warm-up + \(.settings.measured_s) s measured, Checkout and the bare-Kestrel ceiling alternating; medians over rounds. Callbacks: `\($cb.mode)` \(if $cb.mode == "confirm" then "with `\($cb.payment_method)`" else "(the confirm endpoint was not there yet; cancel raises order.canceled)" end), receiver on loopback.",
  "",
  "| measure | Checkout | ceiling (same run) | Checkout / ceiling | target | |",
  "| --- | ---: | ---: | ---: | --- | --- |",
  "| create order req/s | \($c.checkout_rps|f(0)) | \($c.ceiling_rps|f(0)) | \($c.ratio|pct) | ≥ 6 % of ceiling | \(met($c.ratio >= 0.06)) |",
  "| create order p50 / p99 | \($c.p50_ms|f(1)) / \($c.p99_ms|f(1)) ms | \($c.ceiling_p50_ms|f(1)) / \($c.ceiling_p99_ms|f(1)) ms | | p99 ≤ 50 ms | \(met($c.p99_ms <= 50)) |",
  "| create order non-2xx (+ socket errors) | \($c.non_2xx) (+ \($c.socket_errors)) | | | 0 | \(met($c.non_2xx == 0 and $c.socket_errors == 0)) |",
  "| get order req/s | \($g.checkout_rps|f(0)) | \($g.ceiling_rps|f(0)) | \($g.ratio|pct) | ≥ 15 % of ceiling | \(met($g.ratio >= 0.15)) |",
  "| get order p50 / p99 | \($g.p50_ms|f(1)) / \($g.p99_ms|f(1)) ms | \($g.ceiling_p50_ms|f(1)) / \($g.ceiling_p99_ms|f(1)) ms | | | |",
  "| \($cb.mode) → callback at \($cb.rate)/s, p50 / p99 | \($cb.fixed_run.p50_ms|f(1)) / \($cb.fixed_run.p99_ms|f(1)) ms | | | p99 ≤ 50 ms | \(met($cb.fixed_run.p99_ms <= 50 and $cb.fixed_run.missing_callbacks == 0 and $cb.fixed_run.failed == 0)) |",
  "| sustained callbacks/s (no backlog growth) | \($cb.sustained_callbacks_per_second) | | | ≥ 1,000 /s | \(met($cb.sustained_callbacks_per_second >= 1000)) |",
  "| approve page TTFB p50 / p99 (signed in) | \($t.ttfb_p50_ms|f(1)) / \($t.ttfb_p99_ms|f(1)) ms | | | | |",
  "| managed heap per open approve circuit | \($m.managed_per_circuit_kb|f(0)) KB | | | ≤ 300 KB | \(met($m.managed_per_circuit_kb >= 0 and $m.managed_per_circuit_kb <= 300)) |",
  "| RSS per open approve circuit | \($m.rss_per_circuit_kb|f(0)) KB | | | ≤ 300 KB | \(met($m.rss_per_circuit_kb <= 300)) |",
  "| start-up to first GET / (median of \($s.runs|length)) | \($s.median_s|f(2)) s | | | ≤ 3 s | \(met($s.median_s <= 3)) |",
  "",
  "Details: create ratios per round \($c.ratios | map(pct) | join(", ")); get ratios \($g.ratios | map(pct) | join(", ")).",
  "Callbacks at \($cb.rate)/s: \($cb.fixed_run.confirmed) confirmed, \($cb.fixed_run.missing_callbacks) callbacks missing, \($cb.fixed_run.callbacks_before_response) arrived before the confirm response; confirm request p50 / p99 \($cb.fixed_run.confirm_p50_ms|f(1)) / \($cb.fixed_run.confirm_p99_ms|f(1)) ms; request → callback p50 / p99 \($cb.fixed_run.from_request_p50_ms|f(1)) / \($cb.fixed_run.from_request_p99_ms|f(1)) ms. Signatures verified on a sample: \($cb.receiver.verified) good, \($cb.receiver.bad_signatures) bad.",
  "Rate steps: " + ($cb.steps | map("\(.rate)/s → \(.confirmed_per_second) confirmed/s, \(.delivered_per_second) delivered/s, backlog \(.backlog_mid) → \(.backlog_end) (\(.verdict))") | join("; ")) + ".",
  "Circuits: \($m.pages) approve pages (+ \($m.warmup_pages) warm-up) open, \($m.still_ready) still live; server RSS \($m.rss_before_kb) → \($m.rss_after_kb) KB, live managed heap after a forced full GC \($m.managed_before_kb) → \($m.managed_after_kb) KB.",
  "Start-up runs: \($s.runs | map(tostring + " s") | join(", "))."
' "$RESULTS/latest.json" | tee "$RESULTS/latest.md"
log "saved $RESULTS/latest.md and $RESULTS/latest.json"
