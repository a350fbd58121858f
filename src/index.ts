// The package's public library API. Named exports only; this is the only barrel.
export {};
