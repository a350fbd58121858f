import { existsSync } from "node:fs";
import { Command } from "commander";
import { ActionableError } from "../../errors/ActionableError.js";
import { llmserveHome } from "../../llmserveHome.js";
import { EXIT_USAGE } from "../exitCodes.js";

interface DoctorOptions {
  json?: boolean;
  buildCpuKernels?: boolean;
  model?: string;
}

/**
 * `llmserve doctor [--json] [--build-cpu-kernels [--model FILE.gguf]]`: which engine path a replica started now
 * would run (native generation loop or node-llama-cpp's stock loop; CPU kernels compiled for this machine or
 * prebuilt ones, with the measurement that chose them), why, and how to get the fast one.
 */
export function doctorCommand(): Command {
  return new Command("doctor")
    .description("show which engine path replicas run (native loop or stock, local or prebuilt CPU kernels, and the measurement that chose them)")
    .option("--json", "print the diagnosis as JSON")
    .option(
      "--build-cpu-kernels",
      "compile llama.cpp's CPU kernels for this CPU now (1-3 minutes on 2 cores) instead of in a replica's background; with --model, measure them against the prebuilt ones and keep the faster",
    )
    .option("--model <file>", "with --build-cpu-kernels: the GGUF model to measure with (the one you serve; measured again if a verdict exists)")
    .action(async (options: DoctorOptions) => {
      if (options.model !== undefined && options.buildCpuKernels !== true) throw new ActionableError("--model goes with --build-cpu-kernels", EXIT_USAGE);
      if (options.model !== undefined && !existsSync(options.model)) throw new ActionableError(`--model: no such file: ${options.model}`, EXIT_USAGE);
      const home = llmserveHome();
      // The engine modules load node-llama-cpp's metadata only; imported here so other commands stay light.
      const { diagnoseEngine } = await import("../../replica/engine/diagnoseEngine.js");
      if (options.buildCpuKernels === true) await buildCpuKernelsNow(home, options.model);
      const diagnosis = await diagnoseEngine(home);
      if (options.json === true) {
        process.stdout.write(`${JSON.stringify(diagnosis, null, 2)}\n`);
        return;
      }
      const lines = [
        `node-llama-cpp ${diagnosis.nodeLlamaCpp.version} (llama.cpp ${diagnosis.nodeLlamaCpp.llamaCppCommit?.slice(0, 7) ?? "unknown"}), compiler: ${diagnosis.compiler ?? "none"}`,
        `generation: ${diagnosis.fastDecode.generation} (${diagnosis.fastDecode.detail})`,
        ...(diagnosis.fastDecode.fix !== null ? [`  fix: ${diagnosis.fastDecode.fix}`] : []),
        `CPU kernels: ${diagnosis.cpuKernels.kernels} (${diagnosis.cpuKernels.detail})`,
        `  what compiled kernels gain: ${diagnosis.cpuKernels.gain}`,
        ...(diagnosis.cpuKernels.fix !== null ? [`  next step: ${diagnosis.cpuKernels.fix}`] : []),
        `weights: ${diagnosis.weights.placement} (${diagnosis.weights.detail})`,
        ...(diagnosis.weights.fix !== null ? [`  to turn huge pages on: ${diagnosis.weights.fix}`] : []),
        "running replicas: llmserve status shows each one's engine path and warnings",
      ];
      process.stdout.write(`${lines.join("\n")}\n`);
    });
}

async function buildCpuKernelsNow(home: string, model: string | undefined): Promise<void> {
  const { describeVerdict, ensureCpuKernels } = await import("../../replica/engine/cpuKernels/ensureCpuKernels.js");
  const outcome = await ensureCpuKernels({
    home,
    log: (line) => process.stderr.write(`${line}\n`),
    env: { ...process.env, LLMSERVE_CPU_KERNELS: "" },
    ...(model !== undefined ? { modelPath: model, remeasure: true } : {}),
  });
  const summary = outcome.kind === "decided" ? describeVerdict(outcome) : `${outcome.kind} (${outcome.reason})`;
  process.stderr.write(`CPU kernels: ${summary}\n`);
  if (outcome.kind === "failed") process.exitCode = 1;
}
