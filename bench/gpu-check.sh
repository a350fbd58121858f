#!/usr/bin/env bash
# GPU readiness in under 10 minutes on a fresh NVIDIA machine (Node >= 20.18, npm registry reachable, a C++
# compiler and git for the native loop). Run from a clone: bash bench/gpu-check.sh [OUT_DIR]
#   1. install: npm pack + npm install of the tarball into an empty directory, as a user installs it
#   2. llmserve gpus: the inventory accelerator_type is matched against
#   3. a real placement run: the 254M benchmark model with accelerator_type matching the card; status must show the
#      GPU, CUDA_VISIBLE_DEVICES and "native loop, ..., CUDA"; the fit check's estimate against what nvidia-smi sees
#   4. the engine bench on CUDA, native loop (fast) vs stock, 254M and 1.5B shapes, tokens/s at 1/4/16 streams
# Everything goes to OUT_DIR (default bench/results/gpu-check-<date>/), the summary to summary.md there.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="${1:-$ROOT/bench/results/gpu-check-$(date +%Y%m%dT%H%M%S)}"
mkdir -p "$OUT"
WORK="$(mktemp -d /tmp/llmserve-gpu-check-XXXXXX)"
export LLMSERVE_HOME="$WORK/home"
PORT="${LLMSERVE_GPU_CHECK_PORT:-18123}"
SUMMARY="$OUT/summary.md"
step() { echo "== $* ($(date +%T))" | tee -a "$OUT/log.txt"; }
say() { echo "$*" | tee -a "$SUMMARY"; }
cleanup() { (cd "$WORK/project" 2>/dev/null && npx --no llmserve shutdown -y >/dev/null 2>&1) || true; rm -rf "$WORK"; }
trap cleanup EXIT
: > "$SUMMARY"
START=$(date +%s)

step "machine"
nvidia-smi --query-gpu=index,name,memory.total,memory.used,driver_version --format=csv | tee "$OUT/nvidia-smi.csv"
say "# GPU check $(date -u +%FT%TZ)"
say "$(nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | head -1), $(nproc) cores, node $(node --version)"

step "1. install from the packed tarball"
(cd "$ROOT" && npm run --silent build >/dev/null && npm pack --ignore-scripts --pack-destination "$WORK" >/dev/null)
mkdir -p "$WORK/project"
T0=$(date +%s)
(cd "$WORK/project" && npm install --no-audit --no-fund "$WORK"/llmserve-*.tgz > "$OUT/install.log" 2>&1)
say "- install: $(( $(date +%s) - T0 )) s ($(grep -c "fast decode addon: built" "$OUT/install.log" || true) addon build at postinstall)"
cd "$WORK/project"

step "2. llmserve gpus"
npx --no llmserve gpus | tee "$OUT/gpus.txt"
npx --no llmserve gpus --json > "$OUT/gpus.json"
npx --no llmserve doctor | tee "$OUT/doctor.txt"

step "3. placement run with accelerator_type matching the card"
MODEL="$(node "$ROOT/scripts/makeModels.mjs" bench)"
ACCEL="$(node --input-type=module -e '
  import { readFileSync } from "node:fs";
  const { knownAcceleratorTypes } = await import(process.argv[1] + "/gpu/knownAcceleratorTypes.js");
  const { matchesAcceleratorType } = await import(process.argv[1] + "/gpu/matchesAcceleratorType.js");
  const [gpu] = JSON.parse(readFileSync(process.argv[2], "utf8"));
  const type = knownAcceleratorTypes.find((t) => t !== "CPU" && matchesAcceleratorType(t, gpu.name, gpu.memoryTotalBytes));
  if (!type) { console.error(`no accelerator_type matches ${gpu.name}`); process.exit(1); }
  console.log(type);' "$WORK/project/node_modules/llmserve/dist" "$OUT/gpus.json")"
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
npx --no llmserve run app.yaml --non-blocking 2>&1 | tee "$OUT/run.txt"
say "- run --non-blocking: $(( $(date +%s) - T0 )) s"
npx --no llmserve status --json > "$OUT/status.json"
REPLICA_PID="$(node -e '
  const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const r = Object.values(s.applications.gpu.deployments)[0].replicas[0];
  console.error(`replica ${r.replica_id}: gpus ${JSON.stringify(r.gpus)}, CUDA_VISIBLE_DEVICES ${r.cuda_visible_devices}, engine: ${r.engine}, warnings: ${JSON.stringify(r.warnings)}`);
  console.log(r.pid);' "$OUT/status.json" 2> >(tee -a "$SUMMARY"))"
curl -sf "http://127.0.0.1:$PORT/v1/completions" -H 'content-type: application/json' \
  -d '{"model":"bench","prompt":"hello","max_tokens":16}' > "$OUT/completion.json" && say "- a completion through the controller: ok"
# The fit check's estimate (what placement compares with free memory) against nvidia-smi's view of the replica.
# a script file, not node -e: node-llama-cpp's binary test (used by the GGUF insights) fails under -e
cat > "$WORK/estimate.mjs" <<'JS'
const { estimateReplicaMemory } = await import(`${process.argv[2]}/gpu/estimateReplicaMemory.js`);
const estimate = await estimateReplicaMemory(process.argv[3], { contextSize: 1024, sequences: 16 });
console.log(Math.round(estimate.totalBytes / 2 ** 20));
JS
ESTIMATE="$(node "$WORK/estimate.mjs" "$WORK/project/node_modules/llmserve/dist" "$MODEL")"
USED="$(nvidia-smi --query-compute-apps=pid,used_memory --format=csv,noheader,nounits | awk -F', ' -v pid="$REPLICA_PID" '$1 == pid { print $2 }')"
say "- fit check: llmserve estimate ${ESTIMATE} MiB, nvidia-smi used by the replica (pid $REPLICA_PID) ${USED:-?} MiB"
npx --no llmserve shutdown -y | tail -1 | tee -a "$OUT/log.txt"

step "4. engine bench on CUDA (native loop vs stock), 254M and 1.5B"
cd "$ROOT"
node bench/run.mjs --only engine --no-build --models 254m,1.5b --contenders fast,stock --streams 1,4,16 --repeat 1 \
  --out "$OUT/engine.json" 2>"$OUT/engine.log" | tee "$OUT/engine.md"
say ""
say "$(cat "$OUT/engine.md")"
say ""
say "total: $(( $(date +%s) - START )) s"
echo "summary: $SUMMARY"
