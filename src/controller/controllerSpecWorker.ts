// Worker-thread entry of `loadControllerSpec`: reads and validates one config file, posts the SpecLoadResult, ends.
import { parentPort, workerData } from "node:worker_threads";
import { readControllerSpec } from "./readControllerSpec.js";

const { path } = workerData as { path: string };
parentPort!.postMessage(await readControllerSpec(path));
