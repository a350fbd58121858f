#!/usr/bin/env node
// The controller daemon gets an entry that loads only its own command (memory; see dist/cli/controllerMain.js).
const entry = process.argv[2] === "_controller" ? "../dist/cli/controllerMain.js" : "../dist/cli/main.js";
const { main } = await import(entry);

await main(process.argv);
