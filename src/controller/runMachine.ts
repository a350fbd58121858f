/** What a decide function returns: the next state and the effects, as plain data, for the shell to carry out. */
export interface Transition<S, E> {
  state: S;
  effects: readonly E[];
}

/** One handler per kind of effect: the only way a machine acts on the world, so a shell must handle every kind. */
export type Effects<E extends { type: string }> = { [K in E["type"]]: (effect: Extract<E, { type: K }>) => void };

export interface Machine<S, V> {
  state: () => S;
  /** Applies `event`; an event sent while effects run is queued, so transitions never interleave. */
  dispatch: (event: V) => void;
}

/**
 * The serialising owner of a state machine: keeps its state, applies events one at a time through `decide` and
 * hands each effect to its handler. The state is updated before the effects run, so a handler that reads it sees
 * the state the effects belong to.
 */
export function runMachine<S, V, E extends { type: string }>(
  initial: S,
  decide: (state: S, event: V) => Transition<S, E>,
  effects: Effects<E>,
): Machine<S, V> {
  let state = initial;
  const pending: V[] = [];
  let running = false;
  const dispatch = (event: V): void => {
    pending.push(event);
    if (running) return;
    running = true;
    try {
      for (let next = pending.shift(); next !== undefined; next = pending.shift()) {
        const transition = decide(state, next);
        state = transition.state;
        for (const effect of transition.effects) (effects[effect.type as E["type"]] as (e: E) => void)(effect);
      }
    } finally {
      running = false;
    }
  };
  return { state: () => state, dispatch };
}
