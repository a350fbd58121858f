#include "loadedLlama.h"

#include <dlfcn.h>
#include <link.h>

#include <cstring>

namespace llmserve {

namespace {

struct LoadedLibraryQuery {
    const char* prefix;
    const char* excludedPrefix;
    std::string path;
};

int findLoadedLibrary(struct dl_phdr_info* info, size_t, void* data) {
    auto* query = static_cast<LoadedLibraryQuery*>(data);
    if (info->dlpi_name == nullptr || info->dlpi_name[0] == '\0') return 0;
    const char* slash = std::strrchr(info->dlpi_name, '/');
    const char* base = slash == nullptr ? info->dlpi_name : slash + 1;
    if (std::strncmp(base, query->prefix, std::strlen(query->prefix)) != 0) return 0;
    if (query->excludedPrefix != nullptr && std::strncmp(base, query->excludedPrefix, std::strlen(query->excludedPrefix)) == 0) {
        return 0;
    }
    query->path = info->dlpi_name;
    return 1;
}

}  // namespace

void* openLoadedLibrary(const char* prefix, const char* excludedPrefix, std::string& error) {
    LoadedLibraryQuery query{prefix, excludedPrefix, {}};
    dl_iterate_phdr(findLoadedLibrary, &query);
    if (query.path.empty()) {
        error = std::string("no ") + prefix + "* library is loaded (load a node-llama-cpp context first)";
        return nullptr;
    }
    void* handle = dlopen(query.path.c_str(), RTLD_NOW | RTLD_NOLOAD);
    if (handle == nullptr) error = "cannot open " + query.path + ": " + dlerror();
    return handle;
}

bool lookupSymbol(void* handle, const char* name, void** fn, std::string& error) {
    *fn = dlsym(handle, name);
    if (*fn == nullptr) error = std::string("symbol ") + name + " not found";
    return *fn != nullptr;
}

}  // namespace llmserve
