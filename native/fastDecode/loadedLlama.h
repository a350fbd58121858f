// Looks up llama.cpp functions in the libllama / libggml that node-llama-cpp has already loaded into this process,
// so this addon shares node-llama-cpp's llama.cpp (whichever variant: CPU, CUDA or Vulkan) and links to none.
#pragma once

#include <string>

namespace llmserve {

// A handle to a shared library whose file name starts with `prefix` (and not with `excludedPrefix`) and that is
// already loaded in this process; never loads a new copy. nullptr with `error` set when there is none.
void* openLoadedLibrary(const char* prefix, const char* excludedPrefix, std::string& error);

// Looks `name` up in `handle` into `fn`; false with `error` set when it is missing.
bool lookupSymbol(void* handle, const char* name, void** fn, std::string& error);

template <typename Fn>
bool lookup(void* handle, const char* name, Fn*& fn, std::string& error) {
    void* found = nullptr;
    bool ok = lookupSymbol(handle, name, &found, error);
    fn = reinterpret_cast<Fn*>(found);
    return ok;
}

}  // namespace llmserve
