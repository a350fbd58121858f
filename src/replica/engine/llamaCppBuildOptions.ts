/**
 * The CMake options of the llama.cpp build `npm run build:llama` makes from the source node-llama-cpp bundles, and
 * that `loadEngine` asks node-llama-cpp for (it prefers a local build with the same options, else its prebuilt
 * binaries). node-llama-cpp's local builds compile the CPU kernels for this machine (`GGML_NATIVE`); its prebuilt
 * ones are generic and decode batches 0.63x as fast here (bench/README.md). ggml's own threadpool instead of OpenMP
 * keeps the persistent threadpool of `fastDecode` in use (measured: 1.1-1.2x llama-server, against 0.97-1.05x with
 * OpenMP). `NODE_LLAMA_CPP_CMAKE_OPTION_*` environment variables add to these in both places.
 */
export const LLAMA_CPP_BUILD_OPTIONS: Readonly<Record<string, string>> = { GGML_OPENMP: "OFF" };
