// `secr-run deny [PATH]`: lives with `allow` (allow.ts); this entry lets the dispatcher load it by name.
export { deny as main } from "./allow.js";
