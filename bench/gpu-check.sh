#!/usr/bin/env bash
# GPU readiness in under 10 minutes on an NVIDIA machine. Run from a clone whose node_modules is installed:
#   bash bench/gpu-check.sh [--preflight] [OUT_DIR]
#   0. preflight: nvidia-smi and a GPU, Node >= 20.18, the clone's node_modules and dist, node-llama-cpp's CUDA
#      binaries, a C++ compiler (for the native loop), the npm registry; a missing requirement stops here, exit 2,
#      with one line saying what is missing and how to get it. --preflight stops after this step.
#   1. install: with the npm registry, npm pack + npm install of the tarball into an empty directory, as a user
#      installs it; without it (the lent GPU machines have no network), the clone's own install is used and the
#      summary says so (LLMSERVE_GPU_CHECK_INSTALL=registry|clone forces one)
#   2. llmserve gpus: the inventory accelerator_type is matched against
#   3. a real placement run: the 254M benchmark model with accelerator_type matching the card; status must show the
#      GPU, CUDA_VISIBLE_DEVICES and "native loop, ..., CUDA"; the fit check's estimate against what nvidia-smi sees
#   4. the engine bench on CUDA, native loop (fast) vs stock, 254M and 1.5B shapes, tokens/s at 1/4/16 streams, run
#      from the installed package (bench/run.mjs --installed) or, without the registry, from the clone
# Everything goes to OUT_DIR (default bench/results/gpu-check-<date>/), the summary to summary.md there.
# bench/README.md ("GPU readiness") says how to run it on a lent machine and what that needs.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PREFLIGHT_ONLY=0
if [ "${1:-}" = "--preflight" ]; then PREFLIGHT_ONLY=1; shift; fi
OUT="${1:-$ROOT/bench/results/gpu-check-$(date +%Y%m%dT%H%M%S)}"
INSTALL="${LLMSERVE_GPU_CHECK_INSTALL:-auto}"
PORT="${LLMSERVE_GPU_CHECK_PORT:-18123}"
# The engine bench gets what is left of this many seconds (a lent machine's command stops at 600).
BUDGET_S="${LLMSERVE_GPU_CHECK_BUDGET_S:-570}"
SUMMARY="$OUT/summary.md"
MISSING=()
step() { echo "== $* ($(date +%T))" | tee -a "$OUT/log.txt"; }
say() { echo "$*" | tee -a "$SUMMARY"; }
missing() { MISSING+=("$*"); echo "gpu-check: missing: $*" >&2; }
mkdir -p "$OUT"
: > "$SUMMARY"
START=$(date +%s)

step "0. preflight"
say "# GPU check $(date -u +%FT%TZ)"
if ! command -v nvidia-smi >/dev/null; then
  missing "nvidia-smi is not on PATH: this is not an NVIDIA machine, or its driver is not mounted (nothing to check without a GPU)"
elif ! nvidia-smi --query-gpu=index,name,memory.total,memory.used,driver_version --format=csv > "$OUT/nvidia-smi.csv" 2> "$OUT/nvidia-smi.err" \
  || [ "$(wc -l < "$OUT/nvidia-smi.csv")" -lt 2 ]; then
  missing "nvidia-smi sees no GPU: $(head -c 300 "$OUT/nvidia-smi.err" | tr '\n' ' ')"
fi
NODE_OK=0
if ! command -v node >/dev/null; then
  missing "node is not on PATH: Node >= 20.18 is needed (a lent GPU machine has none; bench/README.md says how to bring one)"
elif ! node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 18) ? 0 : 1)'; then
  missing "node $(node --version) is too old: Node >= 20.18 is needed"
else
  NODE_OK=1
fi
if [ ! -d "$ROOT/node_modules/node-llama-cpp" ]; then
  missing "$ROOT/node_modules has no node-llama-cpp: run npm ci in the clone first (it needs the npm registry)"
else
  CUDA_LIBS="$(find -L "$ROOT/node_modules/@node-llama-cpp" "$ROOT/node_modules/node-llama-cpp/llama/localBuilds" -name 'libggml-cuda.so' 2>/dev/null | head -3 || true)"
  if [ -z "$CUDA_LIBS" ]; then
    missing "node-llama-cpp has no CUDA build in $ROOT/node_modules (neither @node-llama-cpp/linux-x64-cuda nor a local build: npm run build:llama -- --gpu cuda); replicas would run on the CPU"
  fi
fi
if [ ! -f "$ROOT/dist/cli/main.js" ] || [ ! -d "$ROOT/dist-testmodels" ]; then
  if [ -x "$ROOT/node_modules/.bin/tsc" ] && [ "$NODE_OK" = 1 ]; then
    (cd "$ROOT" && npm run --silent build >/dev/null) || missing "npm run build failed in $ROOT"
  else
    missing "$ROOT/dist or dist-testmodels is not built, and there is no TypeScript compiler to build it (npm run build)"
  fi
fi
if ! command -v "${CXX:-c++}" >/dev/null; then
  say "- warning: no C++ compiler (${CXX:-c++}): the replicas run node-llama-cpp's stock decode loop, not the native one"
fi
REGISTRY=0
if [ "$INSTALL" != clone ] && command -v npm >/dev/null && timeout 15 npm ping >/dev/null 2>&1; then REGISTRY=1; fi
case "$INSTALL" in
  registry) [ "$REGISTRY" = 1 ] || missing "the npm registry cannot be reached, and LLMSERVE_GPU_CHECK_INSTALL=registry asks for an install from it" ;;
  clone) ;;
  auto) INSTALL=$([ "$REGISTRY" = 1 ] && echo registry || echo clone) ;;
  *) missing "LLMSERVE_GPU_CHECK_INSTALL must be auto, registry or clone (got $INSTALL)" ;;
esac
if [ "${#MISSING[@]}" -gt 0 ]; then
  say "- not ready: ${#MISSING[@]} requirement(s) missing:"
  for line in "${MISSING[@]}"; do say "  - $line"; done
  echo "summary: $SUMMARY"
  exit 2
fi
say "$(nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | head -1), $(nproc) cores, node $(node --version)"
say "- node-llama-cpp CUDA binaries: $(echo "$CUDA_LIBS" | head -1 | sed "s|$ROOT/||")"
say "- install: $([ "$INSTALL" = registry ] && echo "packed tarball from this clone, dependencies from the npm registry" || echo "the clone's own install (no npm registry here: the packed-install step is skipped)")"
if [ "$PREFLIGHT_ONLY" = 1 ]; then
  say "- preflight: ready ($(( $(date +%s) - START )) s)"
  echo "summary: $SUMMARY"
  exit 0
fi

WORK="$(mktemp -d /tmp/llmserve-gpu-check-XXXXXX)"
export LLMSERVE_HOME="$WORK/home"
mkdir -p "$WORK/project"
cleanup() { (cd "$WORK/project" 2>/dev/null && llmserve shutdown -y >/dev/null 2>&1) || true; rm -rf "$WORK"; }
trap cleanup EXIT

step "1. install"
if [ "$INSTALL" = registry ]; then
  (cd "$ROOT" && npm run --silent build >/dev/null && npm pack --ignore-scripts --pack-destination "$WORK" >/dev/null)
  T0=$(date +%s)
  (cd "$WORK/project" && npm install --no-audit --no-fund "$WORK"/llmserve-*.tgz > "$OUT/install.log" 2>&1)
  say "- install: $(( $(date +%s) - T0 )) s ($(grep -c "fast decode addon: built" "$OUT/install.log" || true) addon build at postinstall)"
  DIST="$WORK/project/node_modules/llmserve/dist"
  BENCH_FROM=(--installed "$WORK/project/node_modules/llmserve")
  llmserve() { (cd "$WORK/project" && npx --no llmserve "$@"); }
else
  DIST="$ROOT/dist"
  BENCH_FROM=(--no-build)
  llmserve() { node "$ROOT/bin/llmserve.js" "$@"; }
fi
cd "$WORK/project"

step "2. llmserve gpus"
llmserve gpus | tee "$OUT/gpus.txt"
llmserve gpus --json > "$OUT/gpus.json"
llmserve doctor | tee "$OUT/doctor.txt"

step "3. placement run with accelerator_type matching the card"
MODEL="$(node "$ROOT/scripts/makeModels.mjs" bench)"
ACCEL="$(node --input-type=module -e '
  import { readFileSync } from "node:fs";
  const { knownAcceleratorTypes } = await import(process.argv[1] + "/gpu/knownAcceleratorTypes.js");
  const { matchesAcceleratorType } = await import(process.argv[1] + "/gpu/matchesAcceleratorType.js");
  const [gpu] = JSON.parse(readFileSync(process.argv[2], "utf8"));
  const type = knownAcceleratorTypes.find((t) => t !== "CPU" && matchesAcceleratorType(t, gpu.name, gpu.memoryTotalBytes));
  if (!type) { console.error(`no accelerator_type matches ${gpu.name}`); process.exit(1); }
  console.log(type);' "$DIST" "$OUT/gpus.json")"
say "- accelerator_type for this card: $ACCEL"
cat > app.yaml <<EOF
http_options: { host: 127.0.0.1, port: $PORT }
applications:
  - name: gpu
    route_prefix: /
    import_path: ray.serve.llm:build_openai_app
    args:
      llm_configs:
        - model_loading_config: { model_id: bench, model_source: $MODEL }
          accelerator_type: $ACCEL
          engine_kwargs: { max_model_len: 1024, max_num_seqs: 16 }
EOF
T0=$(date +%s)
llmserve run app.yaml --non-blocking 2>&1 | tee "$OUT/run.txt"
say "- run --non-blocking: $(( $(date +%s) - T0 )) s"
llmserve status --json > "$OUT/status.json"
REPLICA_PID="$(node -e '
  const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const r = Object.values(s.applications.gpu.deployments)[0].replicas[0];
  console.error(`replica ${r.replica_id}: gpus ${JSON.stringify(r.gpus)}, CUDA_VISIBLE_DEVICES ${r.cuda_visible_devices}, engine: ${r.engine}, warnings: ${JSON.stringify(r.warnings)}`);
  console.log(r.pid);' "$OUT/status.json" 2> >(tee -a "$SUMMARY"))"
node -e '
  fetch(`http://127.0.0.1:${process.argv[1]}/v1/completions`, { method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "bench", prompt: "hello", max_tokens: 16 }) })
    .then(async (r) => { process.stdout.write(await r.text()); process.exit(r.ok ? 0 : 1); });' "$PORT" > "$OUT/completion.json" \
  && say "- a completion through the controller: ok"
# The fit check's estimate (what placement compares with free memory) against nvidia-smi's view of the replica.
# a script file, not node -e: node-llama-cpp's binary test (used by the GGUF insights) fails under -e
cat > "$WORK/estimate.mjs" <<'JS'
const { estimateReplicaMemory } = await import(`${process.argv[2]}/gpu/estimateReplicaMemory.js`);
const estimate = await estimateReplicaMemory(process.argv[3], { contextSize: 1024, sequences: 16 });
console.log(Math.round(estimate.totalBytes / 2 ** 20));
JS
ESTIMATE="$(node "$WORK/estimate.mjs" "$DIST" "$MODEL")"
USED="$(nvidia-smi --query-compute-apps=pid,used_memory --format=csv,noheader,nounits | awk -F', ' -v pid="$REPLICA_PID" '$1 == pid { print $2 }')"
say "- fit check: llmserve estimate ${ESTIMATE} MiB, nvidia-smi used by the replica (pid $REPLICA_PID) ${USED:-?} MiB"
llmserve shutdown -y | tail -1 | tee -a "$OUT/log.txt"

step "4. engine bench on CUDA (native loop vs stock), 254M and 1.5B"
cd "$ROOT"
LEFT=$(( BUDGET_S - ($(date +%s) - START) ))
[ "$LEFT" -gt 30 ] || { say "- engine bench: skipped, only ${LEFT} s of the ${BUDGET_S} s budget left"; exit 1; }
timeout "$LEFT" node bench/run.mjs --only engine "${BENCH_FROM[@]}" --models 254m,1.5b --contenders fast,stock --streams 1,4,16 --repeat 1 \
  --out "$OUT/engine.json" 2>"$OUT/engine.log" | tee "$OUT/engine.md" \
  || say "- engine bench: stopped (exit $?; after ${LEFT} s it is cut off, see engine.log)"
say ""
say "$(cat "$OUT/engine.md")"
say ""
say "total: $(( $(date +%s) - START )) s"
echo "summary: $SUMMARY"
