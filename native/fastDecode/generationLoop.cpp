// llmserve generation loop: decodes and samples every active sequence of one llama_context on a native thread, the
// way llama-server's slot loop does, and hands the sampled tokens to JavaScript in one call per decode step.
//
// node-llama-cpp's own path costs two libuv worker hops (decode, then one sampling worker per sequence) and a chain
// of promises per token; on a small model that per-token overhead is most of the time (bench/README.md). Here JS
// submits a generation (prompt tokens + sampling settings) and receives [kind, sequence, value] events; the loop
// thread builds one batch per step (sampled tokens of every generating sequence, then prompt chunks, in sequence-id
// order so that llama.cpp's per-sequence KV cache takes them as one micro-batch), decodes it and samples each
// sequence with the same llama.cpp sampler order node-llama-cpp 3.22.1 uses (so seeded outputs stay the same).
//
// Requests that need JS between tokens (a grammar that switches on mid-generation, a ban that depends on the last
// token) run in lockstep: the loop pauses the sequence after each token until JS acknowledges it with the sampling
// settings for the next one. Other sequences keep generating meanwhile.
#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "AddonContext.h"
#include "AddonGrammarEvaluationState.h"
#include "AddonModel.h"
#include "idleThreadpool.h"
#include "llama.h"
#include "loadedLlama.h"
#include "unwrapNodeLlama.h"

namespace {

#define LLMSERVE_LOOP_FUNCTIONS(X)                                                                                    \
    X(llama_decode) X(llama_batch_init) X(llama_batch_free) X(llama_get_logits_ith) X(llama_get_memory)             \
    X(llama_memory_seq_rm) X(llama_get_model) X(llama_model_get_vocab) X(llama_vocab_n_tokens) X(llama_vocab_is_eog) \
    X(llama_n_batch) X(llama_n_seq_max) X(llama_sampler_init_greedy) X(llama_sampler_init_dist)                     \
    X(llama_sampler_init_top_k) X(llama_sampler_init_top_p) X(llama_sampler_init_min_p) X(llama_sampler_init_temp)   \
    X(llama_sampler_init_penalties) X(llama_sampler_init_logit_bias) X(llama_sampler_apply) X(llama_sampler_accept)  \
    X(llama_sampler_free)

struct LlamaApi {
#define LLMSERVE_DECLARE(name) decltype(::name)* name = nullptr;
    LLMSERVE_LOOP_FUNCTIONS(LLMSERVE_DECLARE)
#undef LLMSERVE_DECLARE
};

bool resolveLlamaApi(LlamaApi& api, std::string& error) {
    void* library = llmserve::openLoadedLibrary("libllama", "libllama-", error);
    if (library == nullptr) return false;
#define LLMSERVE_LOOKUP(name) \
    if (!llmserve::lookup(library, #name, api.name, error)) return false;
    LLMSERVE_LOOP_FUNCTIONS(LLMSERVE_LOOKUP)
#undef LLMSERVE_LOOKUP
    return true;
}

enum EventKind : int32_t { TOKEN = 0, DONE = 1, FAILED = 2 };

struct Generation {
    const LlamaApi* api = nullptr;
    int32_t seq = 0;
    std::vector<llama_token> prompt;
    size_t promptDecoded = 0;  // tokens of `prompt` already in the KV cache
    int32_t trimFrom = 0;      // KV cells from here on are dropped before the first decode
    bool trimmed = false;
    int32_t nPast = 0;         // tokens of this sequence in the KV cache
    int32_t maxTokens = 0;
    int32_t generated = 0;
    bool lockstep = false;
    bool held = false;         // paused by JS (a slow client)
    bool awaitingAck = false;  // lockstep: paused until JS acknowledges the latest token
    bool stopRequested = false;
    bool hasLast = false;      // `last` was sampled and is to be decoded next
    llama_token last = 0;
    std::vector<llama_sampler*> samplers;  // applied in order after `bias`
    llama_sampler* penalties = nullptr;    // also in `samplers`
    llama_sampler* bias = nullptr;
    AddonGrammarEvaluationState* grammar = nullptr;  // kept alive by JS while the generation runs

    ~Generation() {
        for (auto* sampler : samplers) api->llama_sampler_free(sampler);
        if (bias != nullptr) api->llama_sampler_free(bias);
    }

    bool ready() const {
        return !held && !awaitingAck && (hasLast || promptDecoded < prompt.size());
    }
};

struct Loop {
    std::weak_ptr<Loop> self;  // pending JS deliveries hold the loop alive
    LlamaApi api;
    llama_context* ctx = nullptr;
    const llama_vocab* vocab = nullptr;
    int32_t nVocab = 0;
    int32_t nBatch = 0;
    std::vector<std::unique_ptr<Generation>> generations;  // by sequence id
    llmserve::IdleThreadpool threadpool;  // loop thread only
    bool threadpoolBusy = false;          // a decode ran since the pool was last paused

    std::mutex mutex;
    std::condition_variable wake;
    bool quit = false;
    bool closed = false;
    std::vector<int32_t> events;  // [kind, sequence, value] triples waiting for JS
    std::vector<std::string> messages;  // one per FAILED event, in order
    bool deliveryPending = false;
    Napi::ThreadSafeFunction deliver;
    // JS thread only: generations submitted and not yet reported DONE/FAILED to JS. While there are any, the
    // delivery function keeps Node's event loop alive (as node-llama-cpp's pending decode promises do); otherwise
    // Node could exit, and node-llama-cpp free the context, under a running decode.
    int32_t running = 0;
    std::thread thread;

    llama_batch batch{};  // at most nBatch tokens
    std::vector<llama_token_data> candidates;
};

void emit(Loop& loop, EventKind kind, int32_t seq, int32_t value) {
    loop.events.push_back(kind);
    loop.events.push_back(seq);
    loop.events.push_back(value);
}

void deliverEvents(Napi::Env env, Napi::Function callback, Loop* loop) {
    std::vector<int32_t> events;
    std::vector<std::string> messages;
    {
        std::lock_guard<std::mutex> lock(loop->mutex);
        events.swap(loop->events);
        messages.swap(loop->messages);
        loop->deliveryPending = false;
    }
    if (events.empty() || loop->closed) return;
    for (size_t i = 0; i + 2 < events.size(); i += 3) {
        if (events[i] == DONE || events[i] == FAILED) loop->running--;
    }
    if (loop->running == 0) loop->deliver.Unref(env);
    auto array = Napi::Int32Array::New(env, events.size());
    std::memcpy(array.Data(), events.data(), events.size() * sizeof(int32_t));
    auto texts = Napi::Array::New(env, messages.size());
    for (size_t i = 0; i < messages.size(); i++) texts.Set(static_cast<uint32_t>(i), Napi::String::New(env, messages[i]));
    callback.Call({array, texts});
}

// Called with the mutex held.
void notifyJs(Loop& loop) {
    if (loop.events.empty() || loop.deliveryPending) return;
    loop.deliveryPending = true;
    std::shared_ptr<Loop> self = loop.self.lock();
    loop.deliver.NonBlockingCall([self](Napi::Env env, Napi::Function callback) { deliverEvents(env, callback, self.get()); });
}

void fillCandidates(Loop& loop, const float* logits, llama_token_data_array& cur) {
    for (int32_t token = 0; token < loop.nVocab; token++) loop.candidates[token] = llama_token_data{token, logits[token], 0.0f};
    cur = llama_token_data_array{loop.candidates.data(), static_cast<size_t>(loop.nVocab), -1, false};
}

void applySamplers(Loop& loop, Generation& generation, llama_token_data_array& cur) {
    if (generation.bias != nullptr) loop.api.llama_sampler_apply(generation.bias, &cur);
    for (auto* sampler : generation.samplers) loop.api.llama_sampler_apply(sampler, &cur);
}

bool selectedIsValid(const llama_token_data_array& cur) {
    return cur.size > 0 && cur.selected >= 0 && cur.selected < static_cast<int64_t>(cur.size);
}

// node-llama-cpp's AddonSampler::sampleAndReleaseLock + acceptToken: sample with the chain; with a grammar, keep the
// token if the grammar accepts it, else apply the grammar first and sample again. Returns -1 when nothing can be
// sampled.
llama_token sample(Loop& loop, Generation& generation, int32_t batchIndex) {
    const float* logits = loop.api.llama_get_logits_ith(loop.ctx, batchIndex);
    if (logits == nullptr) throw std::runtime_error("llama.cpp returned no logits (this model cannot generate text)");
    llama_token_data_array cur;
    fillCandidates(loop, logits, cur);
    llama_sampler* grammar = generation.grammar != nullptr ? generation.grammar->sampler : nullptr;
    applySamplers(loop, generation, cur);
    if (grammar != nullptr && selectedIsValid(cur)) {
        llama_token_data single{cur.data[cur.selected].id, 1.0f, 0.0f};
        llama_token_data_array singleArray{&single, 1, -1, false};
        loop.api.llama_sampler_apply(grammar, &singleArray);
        if (single.logit == -INFINITY) {
            fillCandidates(loop, logits, cur);
            loop.api.llama_sampler_apply(grammar, &cur);
            applySamplers(loop, generation, cur);
        }
    }
    if (!selectedIsValid(cur)) return -1;
    const llama_token token = cur.data[cur.selected].id;
    if (generation.penalties != nullptr) loop.api.llama_sampler_accept(generation.penalties, token);
    if (grammar != nullptr && !loop.api.llama_vocab_is_eog(loop.vocab, token)) loop.api.llama_sampler_accept(grammar, token);
    return token;
}

void addToBatch(llama_batch& batch, llama_token token, llama_pos pos, llama_seq_id seq, bool logits) {
    const int32_t i = batch.n_tokens++;
    batch.token[i] = token;
    batch.pos[i] = pos;
    batch.n_seq_id[i] = 1;
    batch.seq_id[i][0] = seq;
    batch.logits[i] = logits ? 1 : 0;
}

struct Planned {
    Generation* generation;
    int32_t tokens;       // tokens of this generation in the batch
    int32_t logitsIndex;  // batch index of its output, or -1
    bool sampledToken;    // the batch carries its previously sampled token (not prompt tokens)
};

// Finishes `generation` (the mutex is held): DONE with the tokens in its KV cache, and the sequence is free again.
void finish(Loop& loop, Generation& generation) {
    emit(loop, DONE, generation.seq, generation.nPast);
    loop.generations[generation.seq].reset();
}

void fail(Loop& loop, Generation& generation, const std::string& message) {
    loop.api.llama_memory_seq_rm(loop.api.llama_get_memory(loop.ctx), generation.seq, -1, -1);
    emit(loop, FAILED, generation.seq, 0);
    loop.messages.push_back(message);
    loop.generations[generation.seq].reset();
}

bool hasWork(const Loop& loop) {
    for (const auto& generation : loop.generations) {
        if (generation != nullptr && (generation->stopRequested || !generation->trimmed || generation->ready())) return true;
    }
    return false;
}

// No generation at all: not even one paused by a slow client or waiting for a lockstep acknowledgement.
bool idle(const Loop& loop) {
    for (const auto& generation : loop.generations) {
        if (generation != nullptr) return false;
    }
    return true;
}

void runLoop(Loop* loopPointer) {
    Loop& loop = *loopPointer;
    std::vector<Planned> planned;
    std::unique_lock<std::mutex> lock(loop.mutex);
    for (;;) {
        if (loop.threadpoolBusy && idle(loop)) {
            loop.threadpool.pauseNow();
            loop.threadpoolBusy = false;
        }
        loop.wake.wait(lock, [&loop] { return loop.quit || hasWork(loop); });
        if (loop.quit) return;

        // Stops, and the KV trims of new generations (never while a decode is running: this thread is the only
        // one that decodes).
        for (auto& slot : loop.generations) {
            Generation* generation = slot.get();
            if (generation == nullptr) continue;
            if (generation->stopRequested) {
                finish(loop, *generation);
                continue;
            }
            if (!generation->trimmed) {
                generation->trimmed = true;
                llama_memory_t memory = loop.api.llama_get_memory(loop.ctx);
                if (!loop.api.llama_memory_seq_rm(memory, generation->seq, generation->trimFrom, -1)) {
                    // A partial removal can fail (recurrent models): start the sequence over.
                    loop.api.llama_memory_seq_rm(memory, generation->seq, -1, -1);
                    generation->trimFrom = 0;
                }
                generation->nPast = generation->trimFrom;
                generation->promptDecoded = generation->trimFrom;
            }
        }

        // One batch: every sampled token, then prompt chunks in what is left of n_batch, all in sequence order.
        // node-llama-cpp makes n_batch at least the number of sequences, so every sampled token fits; the cap only
        // keeps the batch within its allocation should that ever change.
        planned.clear();
        loop.batch.n_tokens = 0;
        int32_t sampledTokens = 0;
        for (const auto& slot : loop.generations) {
            if (slot != nullptr && slot->ready() && slot->hasLast) sampledTokens++;
        }
        sampledTokens = std::min(sampledTokens, loop.nBatch);
        int32_t addedSampled = 0;
        int32_t promptBudget = loop.nBatch - sampledTokens;
        for (auto& slot : loop.generations) {
            Generation* generation = slot.get();
            if (generation == nullptr || !generation->ready()) continue;
            if (generation->hasLast) {
                if (addedSampled == sampledTokens) continue;  // see the cap above
                addedSampled++;
                const int32_t index = loop.batch.n_tokens;
                addToBatch(loop.batch, generation->last, generation->nPast, generation->seq, true);
                planned.push_back({generation, 1, index, true});
                continue;
            }
            const int32_t left = static_cast<int32_t>(generation->prompt.size() - generation->promptDecoded);
            const int32_t take = std::min(left, promptBudget);
            if (take <= 0) continue;
            promptBudget -= take;
            for (int32_t i = 0; i < take; i++) {
                const bool lastOfPrompt = i == take - 1 && take == left;
                addToBatch(loop.batch, generation->prompt[generation->promptDecoded + i], generation->nPast + i, generation->seq,
                           lastOfPrompt);
            }
            planned.push_back({generation, take, take == left ? loop.batch.n_tokens - 1 : -1, false});
        }
        notifyJs(loop);  // DONE events of the generations stopped above go out now, not after the decode
        if (planned.empty()) continue;

        lock.unlock();
        loop.threadpoolBusy = true;
        const int32_t status = loop.api.llama_decode(loop.ctx, loop.batch);
        std::vector<std::pair<Generation*, std::string>> failures;
        std::vector<std::pair<Generation*, llama_token>> sampled;
        if (status == 0) {
            for (const auto& entry : planned) {
                Generation& generation = *entry.generation;
                generation.nPast += entry.tokens;
                if (entry.sampledToken) generation.hasLast = false;
                else generation.promptDecoded += entry.tokens;
                if (entry.logitsIndex < 0) continue;
                try {
                    sampled.emplace_back(&generation, sample(loop, generation, entry.logitsIndex));
                } catch (const std::exception& error) {
                    failures.emplace_back(&generation, std::string("sampling failed: ") + error.what());
                }
            }
        } else {
            const std::string message = "llama_decode failed with status " + std::to_string(status) +
                                        (status == 1 ? " (no free KV cache slot)" : "");
            for (const auto& entry : planned) failures.emplace_back(entry.generation, message);
        }
        lock.lock();

        for (auto& [generation, message] : failures) fail(loop, *generation, message);
        for (auto& [generation, token] : sampled) {
            if (token < 0) {
                finish(loop, *generation);
                continue;
            }
            emit(loop, TOKEN, generation->seq, token);
            generation->generated++;
            if (loop.api.llama_vocab_is_eog(loop.vocab, token) || generation->generated >= generation->maxTokens ||
                generation->stopRequested) {
                finish(loop, *generation);
                continue;
            }
            generation->last = token;
            generation->hasLast = true;
            if (generation->lockstep) generation->awaitingAck = true;
        }
        notifyJs(loop);
    }
}

int32_t sequenceFrom(const Napi::CallbackInfo& info, const Loop& loop) {
    const int32_t seq = info[1].As<Napi::Number>().Int32Value();
    if (seq < 0 || seq >= static_cast<int32_t>(loop.generations.size())) {
        throw Napi::RangeError::New(info.Env(), "no such sequence: " + std::to_string(seq));
    }
    return seq;
}

llama_sampler* biasSampler(const Loop& loop, const Napi::Value& keys, const Napi::Value& values) {
    if (!keys.IsTypedArray() || !values.IsTypedArray()) return nullptr;
    auto tokenArray = keys.As<Napi::Uint32Array>();
    auto biasArray = values.As<Napi::Float32Array>();
    const size_t count = std::min(tokenArray.ElementLength(), biasArray.ElementLength());
    if (count == 0) return nullptr;
    std::vector<llama_logit_bias> biases;
    biases.reserve(count);
    for (size_t i = 0; i < count; i++) biases.push_back({static_cast<llama_token>(tokenArray[i]), biasArray[i]});
    return loop.api.llama_sampler_init_logit_bias(loop.nVocab, static_cast<int32_t>(count), biases.data());
}

AddonGrammarEvaluationState* grammarFrom(const Napi::Env& env, const Napi::Value& value, const AddonModel* model) {
    if (!value.IsObject()) return nullptr;
    void* pointer = nullptr;
    if (napi_unwrap(env, value, &pointer) != napi_ok || pointer == nullptr) {
        throw Napi::TypeError::New(env, "not a node-llama-cpp AddonGrammarEvaluationState");
    }
    auto* state = static_cast<AddonGrammarEvaluationState*>(pointer);
    if (state->model != model) throw Napi::Error::New(env, "the grammar belongs to another model");
    return state;
}

double numberOr(const Napi::Object& object, const char* key, double fallback) {
    Napi::Value value = object.Get(key);
    return value.IsNumber() ? value.As<Napi::Number>().DoubleValue() : fallback;
}

struct LoopHandle {
    std::shared_ptr<Loop> loop;
    AddonModel* model = nullptr;  // to check grammars against it
    // node-llama-cpp frees a context whose JS object is garbage-collected; nothing else may hold these while the
    // loop decodes, so the loop holds them until it is closed.
    Napi::ObjectReference contextObject;
    Napi::ObjectReference modelObject;
};

void closeLoop(LoopHandle& handle) {
    Loop& loop = *handle.loop;
    if (loop.closed) return;
    {
        std::lock_guard<std::mutex> lock(loop.mutex);
        loop.quit = true;
    }
    loop.wake.notify_all();
    if (loop.thread.joinable()) loop.thread.join();
    loop.closed = true;
    loop.generations.clear();
    loop.api.llama_batch_free(loop.batch);
    loop.deliver.Release();
    handle.contextObject.Reset();
    handle.modelObject.Reset();
}

// createGenerationLoop(addonContext, addonModel, onEvents(events: Int32Array, messages: string[]), threadpool?)
//   -> External. `threadpool`: the context's attachThreadpool() handle, paused whenever the loop runs out of work.
Napi::Value CreateGenerationLoop(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (info.Length() < 3 || !info[0].IsObject() || !info[1].IsObject() || !info[2].IsFunction()) {
        throw Napi::TypeError::New(env, "createGenerationLoop(addonContext, addonModel, onEvents)");
    }
    auto [context, model] = llmserve::unwrapNodeLlama(env, info[0], info[1]);
    if (model->vocab == nullptr) throw Napi::Error::New(env, "the node-llama-cpp model has no vocabulary");
    auto handle = std::make_unique<LoopHandle>();
    handle->model = model;
    handle->contextObject = Napi::Persistent(info[0].As<Napi::Object>());
    handle->modelObject = Napi::Persistent(info[1].As<Napi::Object>());
    handle->loop = std::make_shared<Loop>();
    handle->loop->self = handle->loop;
    Loop& loop = *handle->loop;
    std::string error;
    if (!resolveLlamaApi(loop.api, error)) throw Napi::Error::New(env, error);
    if (loop.api.llama_get_model(context->ctx) != model->model ||
        loop.api.llama_n_seq_max(context->ctx) != context->context_params.n_seq_max) {
        throw Napi::Error::New(env, "the llama_context does not belong to the given model");
    }
    loop.ctx = context->ctx;
    loop.vocab = loop.api.llama_model_get_vocab(model->model);
    loop.nVocab = loop.api.llama_vocab_n_tokens(loop.vocab);
    loop.nBatch = static_cast<int32_t>(loop.api.llama_n_batch(context->ctx));
    loop.generations.resize(loop.api.llama_n_seq_max(context->ctx));
    loop.candidates.resize(loop.nVocab);
    loop.batch = loop.api.llama_batch_init(loop.nBatch, 0, 1);
    if (info.Length() > 3) loop.threadpool = llmserve::idleThreadpoolOf(info[3]);
    loop.deliver = Napi::ThreadSafeFunction::New(env, info[2].As<Napi::Function>(), "llmserve-generation-loop", 0, 1);
    loop.deliver.Unref(env);  // a running loop alone does not keep the process alive
    loop.thread = std::thread(runLoop, &loop);
    return Napi::External<LoopHandle>::New(env, handle.release(), [](Napi::Env, LoopHandle* finalized) {
        closeLoop(*finalized);
        delete finalized;
    });
}

LoopHandle* handleFrom(const Napi::CallbackInfo& info) {
    auto* handle = info[0].As<Napi::External<LoopHandle>>().Data();
    if (handle->loop->closed) throw Napi::Error::New(info.Env(), "the generation loop is closed");
    return handle;
}

// submit(loop, sequence, tokens: Uint32Array, trimFrom, options): starts a generation on an idle sequence. `tokens`
// is the whole prompt; the first `trimFrom` of them are already in the sequence's KV cache.
// options: { maxTokens, temperature, topK, topP, minP, seed, penaltyLastN, repeatPenalty, frequencyPenalty,
//            presencePenalty, biasKeys?: Uint32Array, biasValues?: Float32Array, grammar?: AddonGrammarEvaluationState,
//            lockstep }
Napi::Value Submit(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    LoopHandle* handle = handleFrom(info);
    Loop& loop = *handle->loop;
    const int32_t seq = sequenceFrom(info, loop);
    auto tokens = info[2].As<Napi::Uint32Array>();
    const int32_t trimFrom = info[3].As<Napi::Number>().Int32Value();
    auto options = info[4].As<Napi::Object>();
    if (trimFrom < 0 || static_cast<size_t>(trimFrom) >= tokens.ElementLength()) {
        throw Napi::RangeError::New(env, "at least the last prompt token must be evaluated");
    }

    auto generation = std::make_unique<Generation>();
    generation->api = &loop.api;
    generation->seq = seq;
    generation->prompt.assign(tokens.Data(), tokens.Data() + tokens.ElementLength());
    generation->trimFrom = trimFrom;
    generation->maxTokens = static_cast<int32_t>(numberOr(options, "maxTokens", 1 << 30));
    generation->lockstep = options.Get("lockstep").ToBoolean().Value();

    // The samplers in node-llama-cpp 3.22.1's order (AddonSampler::rebuildChainIfNeeded).
    const double penaltyLastN = numberOr(options, "penaltyLastN", 0);
    const double repeatPenalty = numberOr(options, "repeatPenalty", 1);
    const double frequencyPenalty = numberOr(options, "frequencyPenalty", 0);
    const double presencePenalty = numberOr(options, "presencePenalty", 0);
    if (penaltyLastN > 0 && (repeatPenalty != 1 || frequencyPenalty != 0 || presencePenalty != 0)) {
        generation->penalties = loop.api.llama_sampler_init_penalties(loop.nVocab, static_cast<int32_t>(penaltyLastN),
                                                                      static_cast<float>(repeatPenalty),
                                                                      static_cast<float>(frequencyPenalty),
                                                                      static_cast<float>(presencePenalty));
        generation->samplers.push_back(generation->penalties);
    }
    const float temperature = static_cast<float>(numberOr(options, "temperature", 0));
    if (temperature <= 0) {
        generation->samplers.push_back(loop.api.llama_sampler_init_greedy());
    } else {
        const int32_t topK = static_cast<int32_t>(numberOr(options, "topK", 0));
        generation->samplers.push_back(loop.api.llama_sampler_init_top_k(topK <= 0 ? loop.nVocab : std::min(topK, loop.nVocab)));
        const float topP = static_cast<float>(numberOr(options, "topP", 1));
        if (topP >= 0 && topP <= 1) generation->samplers.push_back(loop.api.llama_sampler_init_top_p(topP, 1));
        const float minP = static_cast<float>(numberOr(options, "minP", 0));
        if (minP > 0) generation->samplers.push_back(loop.api.llama_sampler_init_min_p(minP, 1));
        generation->samplers.push_back(loop.api.llama_sampler_init_temp(temperature));
        const Napi::Value seed = options.Get("seed");
        generation->samplers.push_back(loop.api.llama_sampler_init_dist(seed.IsNumber() ? seed.As<Napi::Number>().Uint32Value() : LLAMA_DEFAULT_SEED));
    }
    generation->bias = biasSampler(loop, options.Get("biasKeys"), options.Get("biasValues"));
    generation->grammar = grammarFrom(env, options.Get("grammar"), handle->model);

    {
        std::lock_guard<std::mutex> lock(loop.mutex);
        if (loop.generations[seq] != nullptr) throw Napi::Error::New(env, "sequence " + std::to_string(seq) + " is busy");
        loop.generations[seq] = std::move(generation);
    }
    if (loop.running++ == 0) loop.deliver.Ref(env);
    loop.wake.notify_one();
    return env.Undefined();
}

// ack(loop, sequence, biasKeys?, biasValues?, grammar?): a lockstep generation may sample its next token, with
// these settings.
Napi::Value Ack(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    LoopHandle* handle = handleFrom(info);
    Loop& loop = *handle->loop;
    const int32_t seq = sequenceFrom(info, loop);
    llama_sampler* bias = biasSampler(loop, info[2], info[3]);
    AddonGrammarEvaluationState* grammar = grammarFrom(env, info[4], handle->model);
    {
        std::lock_guard<std::mutex> lock(loop.mutex);
        Generation* generation = loop.generations[seq].get();
        if (generation == nullptr || !generation->awaitingAck) {
            if (bias != nullptr) loop.api.llama_sampler_free(bias);
            return env.Undefined();
        }
        if (generation->bias != nullptr) loop.api.llama_sampler_free(generation->bias);
        generation->bias = bias;
        generation->grammar = grammar;
        generation->awaitingAck = false;
    }
    loop.wake.notify_one();
    return env.Undefined();
}

// hold(loop, sequence, held): pauses or resumes a generation (a client that reads slowly).
Napi::Value Hold(const Napi::CallbackInfo& info) {
    Loop& loop = *handleFrom(info)->loop;
    const int32_t seq = sequenceFrom(info, loop);
    const bool held = info[2].ToBoolean().Value();
    {
        std::lock_guard<std::mutex> lock(loop.mutex);
        if (loop.generations[seq] != nullptr) loop.generations[seq]->held = held;
    }
    loop.wake.notify_one();
    return info.Env().Undefined();
}

// stop(loop, sequence): ends a generation at the next step; a DONE event follows.
Napi::Value Stop(const Napi::CallbackInfo& info) {
    Loop& loop = *handleFrom(info)->loop;
    const int32_t seq = sequenceFrom(info, loop);
    {
        std::lock_guard<std::mutex> lock(loop.mutex);
        if (loop.generations[seq] != nullptr) loop.generations[seq]->stopRequested = true;
    }
    loop.wake.notify_one();
    return info.Env().Undefined();
}

// close(loop): stops the thread (after the decode in progress, if any) and frees everything. Pending generations
// get no further events. Call before the context is disposed.
Napi::Value Close(const Napi::CallbackInfo& info) {
    closeLoop(*info[0].As<Napi::External<LoopHandle>>().Data());
    return info.Env().Undefined();
}

}  // namespace

void initGenerationLoop(Napi::Env env, Napi::Object exports) {
    auto loop = Napi::Object::New(env);
    loop.Set("create", Napi::Function::New(env, CreateGenerationLoop));
    loop.Set("submit", Napi::Function::New(env, Submit));
    loop.Set("ack", Napi::Function::New(env, Ack));
    loop.Set("hold", Napi::Function::New(env, Hold));
    loop.Set("stop", Napi::Function::New(env, Stop));
    loop.Set("close", Napi::Function::New(env, Close));
    exports.Set("generationLoop", loop);
}
