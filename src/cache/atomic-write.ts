// The atomic writer is shared with the local server: see src/fs/atomic-write.ts.
export { sweepStaleTempFiles, TEMP_PREFIX, writeFileAtomic } from "../fs/atomic-write.js";
