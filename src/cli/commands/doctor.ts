import { Command } from "commander";
import { llmserveHome } from "../../llmserveHome.js";

/**
 * `llmserve doctor [--json] [--build-cpu-kernels]`: which engine path a replica started now would run (native
 * generation loop or node-llama-cpp's stock loop; CPU kernels compiled for this machine or generic prebuilt ones),
 * why, and how to get the fast one.
 */
export function doctorCommand(): Command {
  return new Command("doctor")
    .description("show which engine path replicas run (native loop or stock, local or prebuilt CPU kernels) and how to get the fastest")
    .option("--json", "print the diagnosis as JSON")
    .option("--build-cpu-kernels", "compile llama.cpp's CPU kernels for this CPU now (1-3 minutes on 2 cores) instead of in a replica's background")
    .action(async (options: { json?: boolean; buildCpuKernels?: boolean }) => {
      const home = llmserveHome();
      // The engine modules load node-llama-cpp's metadata only; imported here so other commands stay light.
      const { diagnoseEngine } = await import("../../replica/engine/diagnoseEngine.js");
      if (options.buildCpuKernels === true) {
        const { ensureCpuKernels } = await import("../../replica/engine/cpuKernels/ensureCpuKernels.js");
        const outcome = await ensureCpuKernels({ home, log: (line) => process.stderr.write(`${line}\n`), env: { ...process.env, LLMSERVE_CPU_KERNELS: "" } });
        process.stderr.write(`CPU kernels: ${outcome.kind}${"reason" in outcome ? ` (${outcome.reason})` : ""}\n`);
        if (outcome.kind === "failed") process.exitCode = 1;
      }
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
        ...(diagnosis.cpuKernels.fix !== null ? [`  to compile them now: ${diagnosis.cpuKernels.fix}`] : []),
        "running replicas: llmserve status shows each one's engine path and warnings",
      ];
      process.stdout.write(`${lines.join("\n")}\n`);
    });
}
