// Library entry point: `import { SecrClient } from "secr-run"`.
export {};
