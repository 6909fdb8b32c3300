// Package version for the User-Agent; test/client checks it against package.json.
export const VERSION = "0.1.0";
