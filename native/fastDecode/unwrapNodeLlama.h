// node-llama-cpp's native context and model objects, unwrapped from the JS objects that wrap them.
#pragma once

#include "AddonContext.h"
#include "AddonModel.h"
#include "napi.h"

namespace llmserve {

struct NodeLlamaObjects {
    AddonContext* context;
    AddonModel* model;
};

// Both objects were wrapped by node-llama-cpp's addon; N-API keeps wrapped pointers in a per-isolate slot, so this
// addon can unwrap them. Throws a JS Error unless they are a loaded, undisposed context of that loaded model; callers
// check what else they rely on before they use the llama_context.
inline NodeLlamaObjects unwrapNodeLlama(Napi::Env env, Napi::Value addonContext, Napi::Value addonModel) {
    void* contextPointer = nullptr;
    void* modelPointer = nullptr;
    if (napi_unwrap(env, addonContext, &contextPointer) != napi_ok || contextPointer == nullptr ||
        napi_unwrap(env, addonModel, &modelPointer) != napi_ok || modelPointer == nullptr) {
        throw Napi::Error::New(env, "not a node-llama-cpp AddonContext/AddonModel");
    }
    auto* context = static_cast<AddonContext*>(contextPointer);
    auto* model = static_cast<AddonModel*>(modelPointer);
    if (context->model != model || !context->contextLoaded || context->disposed || context->ctx == nullptr ||
        model->model == nullptr) {
        throw Napi::Error::New(env, "the node-llama-cpp context does not have the expected layout or state");
    }
    return {context, model};
}

}  // namespace llmserve
