#!/usr/bin/env node
// Thin shim: everything lives in the bundled CLI so startup loads one file.
import "../dist/bundle/main.js";
