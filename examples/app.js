#!/usr/bin/env node
// A stand-in for your app: shows which secrets it received from secr-run, values masked.
// Run it with: secr-run --env production -- node examples/app.js
const names = (process.argv[2] ?? "DATABASE_URL,REDIS_URL,STRIPE_SECRET_KEY,SESSION_SECRET,SENTRY_DSN,LOG_LEVEL").split(
  ",",
);

/** First two characters, an ellipsis and the length: enough to recognise a value, not to use it. */
function mask(value) {
  return value.length <= 4
    ? `${"*".repeat(value.length)} (${value.length} chars)`
    : `${value.slice(0, 2)}… (${value.length} chars)`;
}

console.log(
  `app: pid ${process.pid}, received ${names.filter((n) => process.env[n] !== undefined).length} of ${names.length} expected secrets`,
);
for (const name of names) {
  const value = process.env[name];
  console.log(`  ${name.padEnd(20)} ${value === undefined ? "(not set)" : mask(value)}`);
}
console.log(
  `  SECR_TOKEN           ${process.env.SECR_TOKEN === undefined ? "(removed by secr-run)" : "(passed: --pass-token)"}`,
);
