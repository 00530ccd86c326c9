// The `colony` executable: bin/colony.js runs the compiled form, `npm run colony` the sources.
import { main } from "./program.js";

await main();
