// Child-process entry of `measureCpuKernels`: runs the trial its argument describes at the lowest priority (the
// replica that started the measurement keeps serving) and prints the CpuKernelsTrial as JSON on stdout.
import { setPriority } from "node:os";
import { runCpuKernelsTrial, type CpuKernelsTrialRequest } from "./runCpuKernelsTrial.js";

setPriority(19);
const trial = await runCpuKernelsTrial(JSON.parse(process.argv[2]!) as CpuKernelsTrialRequest);
process.stdout.write(`${JSON.stringify(trial)}\n`);
// Not disposing the model and llama.cpp: the process ends here.
process.exit(0);
