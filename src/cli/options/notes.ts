// Paragraphs of --help shared by several commands.
import { DEFAULT_API_URL, DEFAULT_TIMEOUT_MS } from "../../config/settings.js";
import { formatDuration } from "../../config/duration.js";

export const SETTINGS_NOTE =
  "Settings: flag > environment variable > .secr.json (searched up from the working directory: " +
  `{"org", "project", "env"?, "apiUrl"?}; never a token) > default (api-url ${DEFAULT_API_URL}, timeout ${formatDuration(DEFAULT_TIMEOUT_MS)}).`;

export const SNAPSHOT_NOTE =
  "Offline snapshot: after each pull an encrypted snapshot is kept; when secr is unreachable (network, timeout, " +
  "5xx, 429) the command starts from it if younger than --cache-max-age, with one warning. 401/403/404 delete it.";

export const MASK_NOTE =
  "Files (--file, --mount, --template) are created for the run (never over an existing file) and removed when secr-run ends, " +
  "however it ends. --mask: the command's stdout and stderr are pipes, not the terminal (FORCE_COLOR=1 is set when secr-run's " +
  "stdout is a terminal and neither FORCE_COLOR nor NO_COLOR is); stdin, signals and the exit status are unchanged. Output that " +
  "could begin a value waits for the next write or at most 50 ms.";
