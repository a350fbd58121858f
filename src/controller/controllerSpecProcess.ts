// Child-process entry of `loadControllerSpec`: reads and validates the config file named by its argument, writes
// the SpecLoadResult on stdout (V8's serialization: the structured clone a worker's message would be), ends.
import { serialize } from "node:v8";
import { readControllerSpec } from "./readControllerSpec.js";

process.stdout.write(serialize(await readControllerSpec(process.argv[2]!)));
