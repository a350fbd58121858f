// llmserve fastDecode: gives a node-llama-cpp context the persistent ggml CPU threadpool that llama-server has.
//
// node-llama-cpp's addon never calls llama_attach_threadpool, so for every llama_decode with n_threads > 1 the
// ggml CPU backend creates a disposable threadpool: it starts n_threads - 1 new OS threads, spins at a barrier
// until they are scheduled, and joins them again. That costs milliseconds per token on a small VM. This addon
// attaches one persistent pool (what llama.cpp's common_threadpools does for llama-server) to an existing
// node-llama-cpp context.
//
// It is compiled at install time against the headers of the node-llama-cpp version that is installed (its
// addon's AddonContext.h and the llama.h/ggml headers of the llama.cpp source it bundles), and links to nothing:
// the llama and ggml functions are looked up in the libllama / libggml-base that node-llama-cpp has already
// loaded into this process (whichever variant: CPU, CUDA or Vulkan), so both addons share one llama.cpp.
#include <dlfcn.h>

#include <string>

#include "AddonContext.h"
#include "AddonModel.h"
#include "ggml-backend.h"
#include "ggml-cpu.h"
#include "idleThreadpool.h"
#include "llama.h"
#include "loadedLlama.h"
#include "unwrapNodeLlama.h"

void initGenerationLoop(Napi::Env env, Napi::Object exports);

namespace {

using llmserve::lookup;

struct Api {
    decltype(llama_attach_threadpool)* attachThreadpool = nullptr;
    decltype(llama_detach_threadpool)* detachThreadpool = nullptr;
    decltype(llama_get_model)* getModel = nullptr;
    decltype(llama_n_threads)* nThreads = nullptr;
    decltype(ggml_backend_dev_by_type)* devByType = nullptr;
    decltype(ggml_backend_dev_backend_reg)* devBackendReg = nullptr;
    decltype(ggml_backend_reg_get_proc_address)* regGetProcAddress = nullptr;
    decltype(ggml_threadpool_params_default)* threadpoolParamsDefault = nullptr;
    decltype(ggml_threadpool_new)* threadpoolNew = nullptr;
    decltype(ggml_threadpool_free)* threadpoolFree = nullptr;
    decltype(ggml_threadpool_pause)* threadpoolPause = nullptr;  // optional: the pool then spins when idle
};

// ggml_threadpool_pause is exported by the CPU backend library but not offered through its proc-address table:
// look it up in the library that holds ggml_threadpool_new.
decltype(ggml_threadpool_pause)* findThreadpoolPause(void* threadpoolNew) {
    Dl_info info{};
    if (dladdr(threadpoolNew, &info) == 0 || info.dli_fname == nullptr) return nullptr;
    void* library = dlopen(info.dli_fname, RTLD_NOW | RTLD_NOLOAD);
    if (library == nullptr) return nullptr;
    return reinterpret_cast<decltype(ggml_threadpool_pause)*>(dlsym(library, "ggml_threadpool_pause"));
}

bool resolveApi(Api& api, std::string& error) {
    void* llama = llmserve::openLoadedLibrary("libllama", "libllama-", error);
    if (llama == nullptr) return false;
    void* ggmlBase = llmserve::openLoadedLibrary("libggml-base", nullptr, error);
    if (ggmlBase == nullptr) return false;
    void* ggml = llmserve::openLoadedLibrary("libggml.", nullptr, error);  // the backend registry
    if (ggml == nullptr) return false;
    bool ok = lookup(llama, "llama_attach_threadpool", api.attachThreadpool, error) &&
              lookup(llama, "llama_detach_threadpool", api.detachThreadpool, error) &&
              lookup(llama, "llama_get_model", api.getModel, error) &&
              lookup(llama, "llama_n_threads", api.nThreads, error) &&
              lookup(ggml, "ggml_backend_dev_by_type", api.devByType, error) &&
              lookup(ggmlBase, "ggml_backend_dev_backend_reg", api.devBackendReg, error) &&
              lookup(ggmlBase, "ggml_backend_reg_get_proc_address", api.regGetProcAddress, error) &&
              lookup(ggmlBase, "ggml_threadpool_params_default", api.threadpoolParamsDefault, error);
    if (!ok) return false;
    ggml_backend_dev_t cpu = api.devByType(GGML_BACKEND_DEVICE_TYPE_CPU);
    if (cpu == nullptr) {
        error = "no ggml CPU backend is registered";
        return false;
    }
    ggml_backend_reg_t reg = api.devBackendReg(cpu);
    api.threadpoolNew = reinterpret_cast<decltype(ggml_threadpool_new)*>(api.regGetProcAddress(reg, "ggml_threadpool_new"));
    api.threadpoolFree = reinterpret_cast<decltype(ggml_threadpool_free)*>(api.regGetProcAddress(reg, "ggml_threadpool_free"));
    if (api.threadpoolNew == nullptr || api.threadpoolFree == nullptr) {
        error = "the ggml CPU backend has no ggml_threadpool_new/ggml_threadpool_free";
        return false;
    }
    api.threadpoolPause = findThreadpoolPause(reinterpret_cast<void*>(api.threadpoolNew));
    return true;
}

struct AttachedPool {
    Api api;
    ggml_threadpool_t pool = nullptr;
};

void freePool(AttachedPool* attached) {
    if (attached->pool != nullptr) attached->api.threadpoolFree(attached->pool);
    attached->pool = nullptr;
}

// attachThreadpool(addonContext, addonModel, { threads, sequences, poll }) -> External
// Throws (a JS Error with the reason) when anything does not match; the caller then keeps the stock path.
// The generation loop (generationLoop.cpp) is exported from the same addon.
Napi::Value AttachThreadpool(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (info.Length() < 3 || !info[0].IsObject() || !info[1].IsObject() || !info[2].IsObject()) {
        throw Napi::TypeError::New(env, "attachThreadpool(addonContext, addonModel, options)");
    }
    auto options = info[2].As<Napi::Object>();
    const int threads = options.Get("threads").As<Napi::Number>().Int32Value();
    const uint32_t sequences = options.Get("sequences").As<Napi::Number>().Uint32Value();
    const uint32_t poll = options.Has("poll") ? options.Get("poll").As<Napi::Number>().Uint32Value() : 50;

    auto [context, model] = llmserve::unwrapNodeLlama(env, info[0], info[1]);
    if (context->context_params.n_seq_max != sequences || context->context_params.n_threads != threads) {
        throw Napi::Error::New(env, "the node-llama-cpp context does not have the expected layout or state");
    }

    auto* attached = new AttachedPool();
    std::string error;
    if (!resolveApi(attached->api, error)) {
        delete attached;
        throw Napi::Error::New(env, error);
    }
    if (attached->api.getModel(context->ctx) != model->model || attached->api.nThreads(context->ctx) != threads) {
        delete attached;
        throw Napi::Error::New(env, "the llama_context does not belong to the given model");
    }
    ggml_threadpool_params params = attached->api.threadpoolParamsDefault(threads);
    params.poll = poll;
    attached->pool = attached->api.threadpoolNew(&params);
    if (attached->pool == nullptr) {
        delete attached;
        throw Napi::Error::New(env, "ggml_threadpool_new failed");
    }
    attached->api.attachThreadpool(context->ctx, attached->pool, nullptr);
    return Napi::External<AttachedPool>::New(env, attached);
}

// freeThreadpool(handle): call only once the context is disposed (or detached), never while it decodes.
Napi::Value FreeThreadpool(const Napi::CallbackInfo& info) {
    auto* attached = info[0].As<Napi::External<AttachedPool>>().Data();
    freePool(attached);
    return info.Env().Undefined();
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
    exports.Set("attachThreadpool", Napi::Function::New(env, AttachThreadpool));
    exports.Set("freeThreadpool", Napi::Function::New(env, FreeThreadpool));
    initGenerationLoop(env, exports);
    return exports;
}

}  // namespace

llmserve::IdleThreadpool llmserve::idleThreadpoolOf(const Napi::Value& value) {
    if (!value.IsExternal()) return {};
    auto* attached = value.As<Napi::External<AttachedPool>>().Data();
    return {attached->api.threadpoolPause, attached->pool};
}

NODE_API_MODULE(llmserve_fast_decode, Init)
