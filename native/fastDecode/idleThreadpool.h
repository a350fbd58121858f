// The generation loop puts the context's persistent ggml threadpool to sleep when it has nothing left to decode.
// Otherwise ggml's idle workers spin (the pool's `poll` level: tens of milliseconds on a small VM) on the cores that
// the replica's HTTP side, the controller and the client need right then to deliver the answer. The next graph
// computation resumes the pool by itself (ggml_graph_compute_kickoff).
#pragma once

#include <napi.h>

struct ggml_threadpool;

namespace llmserve {

struct IdleThreadpool {
    void (*pause)(ggml_threadpool*) = nullptr;
    ggml_threadpool* pool = nullptr;

    void pauseNow() const {
        if (pause != nullptr && pool != nullptr) pause(pool);
    }
};

// The pool behind an attachThreadpool() handle; empty when `value` is not one (undefined: the stock threads).
IdleThreadpool idleThreadpoolOf(const Napi::Value& value);

}  // namespace llmserve
